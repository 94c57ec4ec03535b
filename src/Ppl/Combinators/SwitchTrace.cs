namespace Ppl;

/// <summary>
/// The trace of a <see cref="Switch{TArgs, TRet}"/>: the chosen branch and that branch's trace, whose
/// choices sit at the root of this trace (not under a branch address).
/// </summary>
public sealed class SwitchTrace<TArgs, TRet> : ITrace<(int Branch, TArgs Args), TRet>
{
    internal SwitchTrace(Switch<TArgs, TRet> @switch, (int Branch, TArgs Args) args, ITrace<TArgs, TRet> inner)
    {
        Switch = @switch;
        Args = args;
        Inner = inner;
    }

    /// <summary>The combinator that made this trace.</summary>
    public Switch<TArgs, TRet> Switch { get; }

    /// <summary>The index of the branch that ran.</summary>
    public int Branch => Args.Branch;

    /// <summary>The trace of the branch that ran.</summary>
    public ITrace<TArgs, TRet> Inner { get; }

    /// <inheritdoc />
    public (int Branch, TArgs Args) Args { get; }

    /// <inheritdoc />
    public TRet Return => Inner.Return;

    /// <inheritdoc />
    public double Score => Inner.Score;

    /// <summary>The branch's choices, as lazy as the branch trace makes them.</summary>
    public ChoiceMap Choices => Inner.Choices;

    /// <inheritdoc />
    public object? ArgsObject => Args;

    /// <inheritdoc />
    public object? ReturnObject => Return;

    /// <inheritdoc />
    public IGenerativeFunction Function => Switch;

    /// <inheritdoc />
    public IGenerativeFunction<(int Branch, TArgs Args), TRet> GenerativeFunction => Switch;

    /// <inheritdoc />
    public override string ToString() => $"trace of {Switch.Name} (branch {Branch}, score {Score:G6})";
}
