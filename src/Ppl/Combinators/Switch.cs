namespace Ppl;

/// <summary>
/// Chooses among several generative functions with the same signature: arguments (Branch, Args) run
/// branch number Branch on Args. As in Gen, the branch's choices live at the root of the switch's trace,
/// so branches that share an address name the same quantity. Pair it with a random branch index drawn
/// by the caller for a mixture.
/// <para>
/// An update that keeps the branch delegates to that branch's Update. One that changes the branch
/// discards every old choice and generates the new branch with the constraints (weight = new generate
/// weight − old score); Regenerate likewise generates the new branch from the prior.
/// </para>
/// </summary>
/// <typeparam name="TArgs">The branches' arguments.</typeparam>
/// <typeparam name="TRet">The branches' return value.</typeparam>
public sealed class Switch<TArgs, TRet> : IGenerativeFunction<(int Branch, TArgs Args), TRet>
{
    private readonly IGenerativeFunction<TArgs, TRet>[] _branches;

    /// <summary>Creates a switch over <paramref name="branches"/> (at least one).</summary>
    public Switch(params IGenerativeFunction<TArgs, TRet>[] branches) : this(null, branches)
    {
    }

    /// <summary>Creates a named switch over <paramref name="branches"/> (at least one).</summary>
    /// <param name="name">A name for messages; defaults to <c>Switch(b0, b1, …)</c>.</param>
    /// <param name="branches">The generative functions to choose among.</param>
    public Switch(string? name, params IGenerativeFunction<TArgs, TRet>[] branches)
    {
        ArgumentNullException.ThrowIfNull(branches);
        if (branches.Length == 0) throw new ArgumentException("A switch needs at least one branch.", nameof(branches));
        for (var i = 0; i < branches.Length; i++)
            if (branches[i] is null) throw new ArgumentNullException(nameof(branches), $"Branch {i} of the switch is null.");
        _branches = (IGenerativeFunction<TArgs, TRet>[])branches.Clone();
        Name = name ?? $"Switch({string.Join(", ", branches.Select(b => b.Name))})";
    }

    /// <summary>The branches, by index.</summary>
    public IReadOnlyList<IGenerativeFunction<TArgs, TRet>> Branches => _branches;

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>
    /// The switch's own parameter store, which is empty: a <see cref="ParameterStore"/> cannot share
    /// another's tensors, so the branches' trainable parameters stay in each
    /// <c>Branches[i].Parameters</c>; optimise those. <see cref="AccumulateParameterGradients"/> does
    /// reach them.
    /// </summary>
    public ParameterStore Parameters { get; } = new();

    /// <inheritdoc />
    public ITrace<(int Branch, TArgs Args), TRet> Simulate((int Branch, TArgs Args) args, Rng rng)
    {
        var branch = BranchOf(args.Branch);
        ArgumentNullException.ThrowIfNull(rng);
        return new SwitchTrace<TArgs, TRet>(this, args, branch.Simulate(args.Args, rng));
    }

    /// <inheritdoc />
    public GenerateResult<(int Branch, TArgs Args), TRet> Generate((int Branch, TArgs Args) args, ChoiceMap constraints, Rng rng)
    {
        var branch = BranchOf(args.Branch);
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentNullException.ThrowIfNull(rng);
        var (tr, w) = branch.Generate(args.Args, constraints, rng);
        return new(new SwitchTrace<TArgs, TRet>(this, args, tr), w);
    }

    /// <inheritdoc />
    public AssessResult<TRet> Assess((int Branch, TArgs Args) args, ChoiceMap choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        return BranchOf(args.Branch).Assess(args.Args, choices);
    }

    /// <inheritdoc />
    public ProposeResult<TRet> Propose((int Branch, TArgs Args) args, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return BranchOf(args.Branch).Propose(args.Args, rng);
    }

    /// <inheritdoc />
    public UpdateResult<(int Branch, TArgs Args), TRet> Update(ITrace<(int Branch, TArgs Args), TRet> trace, (int Branch, TArgs Args) args,
        ChoiceMap constraints, Rng rng)
    {
        var old = Own(trace);
        var branch = BranchOf(args.Branch);
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentNullException.ThrowIfNull(rng);
        if (args.Branch == old.Branch)
        {
            var (tr, w, d) = branch.Update(old.Inner, args.Args, constraints, rng);
            return new(new SwitchTrace<TArgs, TRet>(this, args, tr), w, d);
        }
        var (fresh, gw) = branch.Generate(args.Args, constraints, rng);
        return new(new SwitchTrace<TArgs, TRet>(this, args, fresh), gw - old.Score, old.Choices);
    }

    /// <inheritdoc />
    public RegenerateResult<(int Branch, TArgs Args), TRet> Regenerate(ITrace<(int Branch, TArgs Args), TRet> trace, (int Branch, TArgs Args) args,
        Selection selection, Rng rng)
    {
        var old = Own(trace);
        var branch = BranchOf(args.Branch);
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(rng);
        if (args.Branch == old.Branch)
        {
            var (tr, w) = branch.Regenerate(old.Inner, args.Args, selection, rng);
            return new(new SwitchTrace<TArgs, TRet>(this, args, tr), w);
        }
        // The old branch's choices are their own reverse proposal; only its observations and factors
        // (Project with no selection) stay in the ratio, as for any call a dynamic model stops making.
        var (fresh, gw) = branch.Generate(args.Args, ChoiceMap.Empty, rng);
        var dropped = _branches[old.Branch].Project(old.Inner, Selection.None);
        return new(new SwitchTrace<TArgs, TRet>(this, args, fresh), gw - dropped);
    }

    /// <inheritdoc />
    public double Project(ITrace<(int Branch, TArgs Args), TRet> trace, Selection selection)
    {
        var t = Own(trace);
        ArgumentNullException.ThrowIfNull(selection);
        return _branches[t.Branch].Project(t.Inner, selection);
    }

    /// <inheritdoc />
    public double Project(ITrace trace, Selection selection) => Project(Own(trace), selection);

    /// <inheritdoc />
    public ChoiceMap ChoiceGradients(ITrace<(int Branch, TArgs Args), TRet> trace, Selection selection)
    {
        var t = Own(trace);
        ArgumentNullException.ThrowIfNull(selection);
        return _branches[t.Branch].ChoiceGradients(t.Inner, selection);
    }

    /// <inheritdoc />
    public void AccumulateParameterGradients(ITrace<(int Branch, TArgs Args), TRet> trace, double scale)
    {
        var t = Own(trace);
        _branches[t.Branch].AccumulateParameterGradients(t.Inner, scale);
    }

    private IGenerativeFunction<TArgs, TRet> BranchOf(int branch) =>
        (uint)branch < (uint)_branches.Length
            ? _branches[branch]
            : throw new ArgumentOutOfRangeException(nameof(branch), branch,
                $"Switch '{Name}' has branches 0…{_branches.Length - 1}; branch {branch} does not exist.");

    private SwitchTrace<TArgs, TRet> Own(ITrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return trace as SwitchTrace<TArgs, TRet> is { } t && ReferenceEquals(t.Switch, this)
            ? t
            : throw CombinatorChecks.Foreign("Switch", Name, trace);
    }

    /// <inheritdoc />
    public override string ToString() => $"Switch {Name}";
}
