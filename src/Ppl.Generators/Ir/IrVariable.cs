using Microsoft.CodeAnalysis;

namespace Ppl.Generators.Ir
{
    /// <summary>A local or parameter of the analysed body and what it may hold (flow-insensitively: the union over every write).</summary>
    internal sealed class IrVariable
    {
        /// <summary>Creates the variable with what it holds on entry (a parameter's own source; nothing for a local).</summary>
        public IrVariable(ISymbol symbol, SourceSet initial)
        {
            Symbol = symbol;
            Value = initial;
        }

        /// <summary>The local or parameter.</summary>
        public ISymbol Symbol { get; }

        /// <summary>What the variable itself may hold: every value assigned to it, with the conditions around the writes.</summary>
        public SourceSet Value { get; }

        /// <summary>
        /// What was written into the elements of the array this variable names (<c>a[i] = v</c>), the conditions around
        /// the writes included. A precise, per-variable view for the lowerings (which rewrite local arrays); the sound
        /// view is the shared heap, which receives every such write too.
        /// </summary>
        public SourceSet Contents { get; } = SourceSet.None;

        /// <summary>True when the variable may point at an object the body did not create in this run (an argument's array).</summary>
        public bool External { get; internal set; }

        /// <summary>Everything a read of the variable yields, by any path: its value and its elements.</summary>
        public SourceSet Read => Value.With(Contents);
    }
}
