namespace Ppl.Generators
{
    /// <summary>
    /// What one static slot's distribution (and observed value) depends on: source ids (a static slot <c>k</c> is
    /// <c>k</c>, family <c>i</c> is <c>slots + i</c>, the arguments are <c>slots + families</c>), or
    /// <see cref="Always"/> when the analysis cannot vouch for it.
    /// </summary>
    internal sealed record SlotDependency(bool Always, EquatableArray<int> Sources);

    /// <summary>The static dependency graph of a model (see <see cref="DependencyAnalysis"/>), as plain equatable data.</summary>
    internal sealed record DependencyData(EquatableArray<string> Families, EquatableArray<SlotDependency> Slots, bool UsesArgs);

    internal sealed partial record ModelData
    {
        /// <summary>The dependency graph of the static slots; null when the analysis gave up (every site is recomputed).</summary>
        public DependencyData? Dependencies { get; init; }
    }
}
