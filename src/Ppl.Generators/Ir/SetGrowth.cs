using System;

namespace Ppl.Generators.Ir
{
    /// <summary>
    /// How a <see cref="SourceSet"/> changed when something was added to it. The fixed point runs until nothing grows;
    /// <see cref="Sources"/> is tracked apart so that the dependency table's pass limit counts the passes its own
    /// coarser lattice (sources and "anything", without paths) needs, as it did when it was a separate analysis.
    /// </summary>
    [Flags]
    internal enum SetGrowth
    {
        /// <summary>Nothing new.</summary>
        None = 0,

        /// <summary>A new path to a source already there, or a new source under "anything".</summary>
        Paths = 1,

        /// <summary>A new source, or "anything" itself.</summary>
        Sources = 2,
    }
}
