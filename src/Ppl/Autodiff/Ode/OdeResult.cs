namespace Ppl.Autodiff;

/// <summary>The solution of an ODE at the requested output times, and what it cost.</summary>
/// <typeparam name="T"><see cref="double"/> for a value-level solve, <see cref="Real"/> for a differentiated one.</typeparam>
public sealed class OdeResult<T>
{
    internal OdeResult(double[] times, T[][] states, OdeStatistics statistics)
    {
        Times = times;
        States = states;
        Statistics = statistics;
    }

    /// <summary>The output times, as requested.</summary>
    public IReadOnlyList<double> Times { get; }

    /// <summary>The state at each output time: <c>States[k][i]</c> is component i at <c>Times[k]</c>.</summary>
    public IReadOnlyList<T[]> States { get; }

    /// <summary>The state at output time <paramref name="k"/>.</summary>
    public T[] this[int k] => States[k];

    /// <summary>Steps and evaluations.</summary>
    public OdeStatistics Statistics { get; }
}
