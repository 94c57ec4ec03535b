using System.ComponentModel;

namespace Ppl.Modeling;

/// <summary>
/// The storage a straight-line regenerate reads and writes (generated code only). A model whose sites are
/// all static scalar (<c>double</c>, <c>int</c>, <c>bool</c>) choices and observations written as top-level statements gets, besides its
/// handler body, straight-line forms of assess and regenerate (Gen's static modeling language, compiled): the
/// values and log densities stay in locals, each site is a few array accesses around the distribution's own
/// inlined density, and a kept site whose inputs did not change costs a copy of its stored value and density.
/// The runtime calls them only when the old trace has exactly the model's straight-line shape, and falls back to
/// the handler body on any failure (a NaN density, an invalid parameter, a user exception), which then raises
/// the error with the site's address as usual (see <c>GeneratedFunction</c>).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly ref struct StraightLineRegenerate
{
    internal StraightLineRegenerate(ReadOnlySpan<double> oldValues, ReadOnlySpan<double> oldLogDensities, ReadOnlySpan<bool> selected, Rng rng,
        Span<double> newValues, Span<double> newLogDensities)
    {
        OldValues = oldValues;
        OldLogDensities = oldLogDensities;
        Selected = selected;
        Rng = rng;
        NewValues = newValues;
        NewLogDensities = newLogDensities;
    }

    /// <summary>The old trace's value per static slot (choices only).</summary>
    public ReadOnlySpan<double> OldValues { get; }

    /// <summary>The old trace's log density per static slot (choices and observations).</summary>
    public ReadOnlySpan<double> OldLogDensities { get; }

    /// <summary>Per static slot: whether the selection selects it (its choice is redrawn from its prior).</summary>
    public ReadOnlySpan<bool> Selected { get; }

    /// <summary>The random stream of the regenerate.</summary>
    public Rng Rng { get; }

    /// <summary>The new trace's value per static slot, to be written for every choice.</summary>
    public Span<double> NewValues { get; }

    /// <summary>The new trace's log density per static slot, to be written for every choice and observation.</summary>
    public Span<double> NewLogDensities { get; }
}

/// <summary>
/// Whether a stored log density of <typeparamref name="TD"/> may be reused when the distribution's inputs did not
/// change (generated straight-line code only): true for Ppl's own scalar distributions, whose density depends on
/// nothing but their parameters (the rule the handlers apply too).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class StraightLineDensity<TD>
{
    /// <summary>True when the stored log density may be reused.</summary>
    public static readonly bool Reusable = PureDensity<TD>.Value;
}

/// <summary>Straight-line assess and regenerate runs that completed, on this thread: tests check that a model takes the form.</summary>
internal static class StraightLineCounter
{
    [ThreadStatic] internal static int Runs;
}
