using Microsoft.CodeAnalysis;

namespace Ppl.Generators.Ir
{
    /// <summary>One enclosing condition: the construct, its condition's dependencies, and (for a branch) the arm entered.</summary>
    internal sealed class ControlFrame
    {
        /// <summary>Creates a frame; <paramref name="condition"/> may still grow while the construct is walked (a loop's condition runs under itself).</summary>
        public ControlFrame(ControlKind kind, IOperation construct, SourceSet condition, SyntaxNode? arm)
        {
            Kind = kind;
            Construct = construct;
            Condition = condition;
            Arm = arm;
        }

        /// <summary>What kind of construct decides.</summary>
        public ControlKind Kind { get; }

        /// <summary>The deciding operation (the <c>if</c>, the loop, the switch, the <c>&amp;&amp;</c>).</summary>
        public IOperation Construct { get; }

        /// <summary>What the decision depends on.</summary>
        public SourceSet Condition { get; }

        /// <summary>For a <see cref="ControlKind.Branch"/>, the arm entered; a variable declared inside it is fresh on each entry.</summary>
        public SyntaxNode? Arm { get; }
    }
}
