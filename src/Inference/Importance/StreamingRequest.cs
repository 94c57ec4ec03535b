namespace Ppl.Inference.Importance;

/// <summary>
/// What a streaming importance-sampling run keeps of its particles (it keeps no trace otherwise): posterior means
/// of choices, posterior means of any statistic of a trace, and a uniform reservoir of weighted traces.
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">The model's return type.</typeparam>
public sealed record StreamingRequest<TArgs, TRet>
{
    /// <summary>Addresses of <c>double</c> (or <c>bool</c>, <c>int</c>) choices whose posterior means are estimated, named by their addresses.</summary>
    public IReadOnlyList<Address> Means { get; init; } = [];

    /// <summary>Further statistics f(trace) whose posterior means are estimated, each with its name.</summary>
    public IReadOnlyList<(string Name, Func<ITrace<TArgs, TRet>, double> F)> Statistics { get; init; } = [];

    /// <summary>How many traces to keep, drawn uniformly from all particles (with their log weights); 0 keeps none.</summary>
    public int Reservoir { get; init; }

    /// <summary>Particles per block: the unit of parallel work, of random streams and of the cancellation check (default 1024).</summary>
    public int BlockSize { get; init; } = 1024;
}
