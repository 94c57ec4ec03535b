namespace Ppl.Inference.Tests.Conformance;

/// <summary>How much simulation-based calibration runs per model: replicates, and one chain per replicate.</summary>
/// <param name="Replicates">Simulated data sets.</param>
/// <param name="Warmup">Warm-up iterations of each chain.</param>
/// <param name="Draws">Thinned draws kept per chain (L: ranks take L + 1 values).</param>
/// <param name="Thin">Iterations per kept draw.</param>
/// <param name="Bins">Bins of the chi-square test on the ranks (dividing L + 1).</param>
public sealed record SbcSize(int Replicates, int Warmup, int Draws, int Thin, int Bins)
{
    /// <summary>The size run by <c>dotnet test</c>: cheap enough for CI, with the power to catch a gross error.</summary>
    public static SbcSize Ci { get; } = new(Replicates: 30, Warmup: 80, Draws: 9, Thin: 2, Bins: 5);

    /// <summary>The larger run behind the bench command <c>dotnet run -c Release --project bench/Ppl.Bench -- conformance</c>.</summary>
    public static SbcSize Bench { get; } = new(Replicates: 200, Warmup: 300, Draws: 19, Thin: 4, Bins: 10);
}
