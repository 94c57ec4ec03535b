using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Ppl.Generators.Ir
{
    /// <summary>
    /// One effect site of the model body in the IR: what <see cref="ModelBuilder"/> found (kind, name, slot, family,
    /// address arguments), the invocation operation, its arguments by parameter ordinal, the conditions and loops
    /// around it, and (after the fixed point) what its distribution and observed value depend on.
    /// </summary>
    internal sealed class IrSite
    {
        /// <summary>Creates the site for <paramref name="site"/>; the walk fills in the rest.</summary>
        public IrSite(int index, Site site)
        {
            Index = index;
            Site = site;
        }

        /// <summary>The site's position in the model's site list (also its source's id).</summary>
        public int Index { get; }

        /// <summary>What the generator's site finder knows about it (kind, static name, slot, family, address arguments).</summary>
        public Site Site { get; }

        /// <summary>The kind of effect.</summary>
        public SiteKind Kind => Site.Kind;

        /// <summary>The invocation, once the walk has reached it (null for a site the walk never reaches, e.g. inside a lambda).</summary>
        public IInvocationOperation? Operation { get; internal set; }

        /// <summary>The argument operations by parameter ordinal (the distribution is 0 for Sample and Observe, the observed value 1).</summary>
        public IReadOnlyDictionary<int, IOperation> Arguments { get; internal set; } = new Dictionary<int, IOperation>();

        /// <summary>The conditions and loops around the site, outermost first.</summary>
        public IReadOnlyList<ControlFrame> Enclosing { get; internal set; } = new ControlFrame[0];

        /// <summary>What the site's distribution (and an observation's value) depends on, with its enclosing conditions; null when never reached.</summary>
        public SourceSet? Dependencies { get; internal set; }

        /// <summary>What each argument depends on, by parameter ordinal (data only, without the enclosing conditions).</summary>
        public IReadOnlyDictionary<int, SourceSet> ArgumentDependencies { get; internal set; } = new Dictionary<int, SourceSet>();
    }
}
