using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Ppl.Generators.Ir
{
    /// <summary>The stack of conditions enclosing an operation during the walk, innermost first; immutable (pushing makes a new context).</summary>
    internal sealed class ControlContext
    {
        private ControlContext(ControlFrame? frame, ControlContext? parent)
        {
            Frame = frame;
            Parent = parent;
        }

        /// <summary>The top level of the body: no enclosing condition.</summary>
        public static readonly ControlContext Root = new ControlContext(null, null);

        /// <summary>The innermost frame, or null at the top level.</summary>
        public ControlFrame? Frame { get; }

        /// <summary>The enclosing context.</summary>
        public ControlContext? Parent { get; }

        /// <summary>A context with <paramref name="frame"/> inside this one.</summary>
        public ControlContext Push(ControlFrame frame) => new ControlContext(frame, this);

        /// <summary>The frames, outermost first.</summary>
        public IReadOnlyList<ControlFrame> Frames
        {
            get
            {
                var frames = new List<ControlFrame>();
                for (var c = this; c?.Frame != null; c = c.Parent) frames.Add(c.Frame);
                frames.Reverse();
                return frames;
            }
        }

        /// <summary>Everything the enclosing conditions depend on, as a sound analysis sees it.</summary>
        public SourceSet All()
        {
            var set = SourceSet.None;
            for (var c = this; c?.Frame != null; c = c.Parent) set.Add(c.Frame.Condition, FlowPath.Conservative);
            return set;
        }

        /// <summary>
        /// What the enclosing conditions add to a write of <paramref name="target"/>: an <c>if</c>/<c>?:</c> arm around
        /// a variable declared outside it decides which value the variable holds afterwards (<see cref="FlowPath.Derived"/>,
        /// what the batched form turns into a select); every other condition only decides when the write runs, which a
        /// sound analysis must still count (<see cref="FlowPath.Conservative"/>).
        /// </summary>
        public SourceSet For(ISymbol? target)
        {
            var declarations = target?.DeclaringSyntaxReferences ?? ImmutableArray<SyntaxReference>.Empty;
            var set = SourceSet.None;
            for (var c = this; c?.Frame != null; c = c.Parent)
            {
                var f = c.Frame;
                var outside = target != null && f.Kind == ControlKind.Branch && f.Arm != null &&
                              !declarations.Any(d => d.SyntaxTree == f.Arm.SyntaxTree && f.Arm.Span.Contains(d.Span));
                set.Add(f.Condition, outside ? FlowPath.Derived : FlowPath.Conservative);
            }
            return set;
        }
    }
}
