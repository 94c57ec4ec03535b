using System.Collections.Immutable;

namespace Ppl;

/// <summary>
/// The trace of an <see cref="Unfold{TState, TParams}"/>: one kernel sub-trace per step and the states
/// they returned, in persistent lists so that appending a step to a long chain costs O(log T) here and
/// one kernel run.
/// </summary>
public sealed class UnfoldTrace<TState, TParams> : ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>>
{
    private ChoiceMap? _choices;

    internal UnfoldTrace(Unfold<TState, TParams> unfold, (int Steps, TState Init, TParams Params) args,
        ImmutableList<ITrace<(int T, TState State, TParams Params), TState>> subTraces, ImmutableList<TState> states, double score)
    {
        Unfold = unfold;
        Args = args;
        SubTraces = subTraces;
        States = states;
        Score = score;
    }

    /// <summary>The combinator that made this trace.</summary>
    public Unfold<TState, TParams> Unfold { get; }

    /// <summary>The kernel's trace for each step, by step.</summary>
    public ImmutableList<ITrace<(int T, TState State, TParams Params), TState>> SubTraces { get; }

    /// <summary>The state after each step.</summary>
    public ImmutableList<TState> States { get; }

    /// <inheritdoc />
    public (int Steps, TState Init, TParams Params) Args { get; }

    /// <inheritdoc />
    public IReadOnlyList<TState> Return => States;

    /// <inheritdoc />
    public double Score { get; }

    /// <inheritdoc />
    public ChoiceMap Choices => _choices ??= new IndexedChoiceMap(SubTraces.Count, t => SubTraces[t].Choices);

    /// <inheritdoc />
    public object? ArgsObject => Args;

    /// <inheritdoc />
    public object? ReturnObject => Return;

    /// <inheritdoc />
    public IGenerativeFunction Function => Unfold;

    /// <inheritdoc />
    public IGenerativeFunction<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> GenerativeFunction => Unfold;

    /// <inheritdoc />
    public override string ToString() => $"trace of {Unfold.Name} ({SubTraces.Count} steps, score {Score:G6})";
}
