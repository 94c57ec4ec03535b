namespace Ppl.Inference;

/// <summary>How a long inference run reports progress, how it can be stopped, and how many threads it may use.</summary>
public sealed record RunOptions
{
    /// <summary>Defaults: all cores, no progress, no cancellation.</summary>
    public static RunOptions Default { get; } = new();

    /// <summary>Receives progress reports (about a hundred per run).</summary>
    public IProgress<Progress>? Progress { get; init; }

    /// <summary>Stops the run; the run then throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Upper bound on threads (−1: as many as the machine has). Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
}

/// <summary>A progress report: <paramref name="Done"/> of <paramref name="Total"/> units of work.</summary>
public readonly record struct Progress(long Done, long Total)
{
    /// <summary>The fraction done, in [0, 1].</summary>
    public double Fraction => Total == 0 ? 1 : (double)Done / Total;
}
