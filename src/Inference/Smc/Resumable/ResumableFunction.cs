using Ppl.Modeling;

namespace Ppl.Inference.Smc;

/// <summary>
/// A generated model's resumable executions (SPEC M7) as the paused generative function of (args, k) that
/// the SMC blocks run on, in place of <see cref="PausingModel{TArgs, TRet}"/>'s replay: a trace holds an
/// execution paused after its k-th Observe/Factor, and <c>Update</c> to k′ &gt; k clones it and resumes the
/// clone, so a step costs the body work between two pauses (O(T) per run, not replay's O(T²)). The weight is
/// the new observations' and factors' log densities, as replay's. Observations given as values (<see cref="Observations"/>)
/// make each Sample at an observed address an Observe of the value and a pause, as <see cref="PausingModel{TArgs, TRet}"/>
/// does with the same observations. Only what SMC uses is supported: Simulate, Generate and Update without constraints,
/// forward in k with the same arguments.
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">The model's return type.</typeparam>
public sealed class ResumableFunction<TArgs, TRet> : IGenerativeFunction<(TArgs Args, int Pauses), Paused<TRet>>
{
    /// <summary>Wraps a generated model that has a resumable form.</summary>
    public ResumableFunction(ResumableModel<TArgs, TRet> model) : this(model, ChoiceMap.Empty)
    {
    }

    /// <summary>Wraps a generated model that has a resumable form, conditioned on values of its Sample sites.</summary>
    /// <param name="model">The model.</param>
    /// <param name="observations">
    /// Values of (some of) its Sample sites, each observed and a pause; non-empty needs
    /// <see cref="ResumableModel{TArgs, TRet}.TakesObservations"/>.
    /// </param>
    public ResumableFunction(ResumableModel<TArgs, TRet> model, ChoiceMap observations)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(observations);
        if (!model.IsResumable)
            throw new ArgumentException($"Model '{model.Name}' has no resumable form ({model.FallbackReason}); use its replay.", nameof(model));
        if (!observations.IsEmpty && !model.TakesObservations)
            throw new ArgumentException(
                $"Model '{model.Name}''s state machine cannot pause at observed Sample sites ({model.ObservationsFallbackReason}); use its replay.", nameof(observations));
        ObservationCheck.RequireNoNaN(observations, model.Name);
        Model = model;
        Observations = observations;
        _observationCount = observations.Leaves.Count();
    }

    private readonly int _observationCount;

    /// <summary>The model.</summary>
    public ResumableModel<TArgs, TRet> Model { get; }

    /// <summary>The values of observed Sample sites (empty when the model observes everything itself).</summary>
    public ChoiceMap Observations { get; }

    /// <summary>A new execution at the model's start, given the observations (counted once, here).</summary>
    internal ResumableExecution<TRet> Start(TArgs args)
    {
        var e = Model.Start(args);
        if (_observationCount > 0) e.Observe(Observations, _observationCount);
        return e;
    }

    /// <inheritdoc />
    public string Name => Model.Name + "·resumable";

    /// <inheritdoc />
    public ParameterStore Parameters { get; } = new();

    /// <inheritdoc />
    public ITrace<(TArgs Args, int Pauses), Paused<TRet>> Simulate((TArgs Args, int Pauses) args, Rng rng) => Generate(args, ChoiceMap.Empty, rng).Trace;

    /// <inheritdoc />
    public GenerateResult<(TArgs Args, int Pauses), Paused<TRet>> Generate((TArgs Args, int Pauses) args, ChoiceMap constraints, Rng rng)
    {
        NoConstraints(constraints);
        ArgumentNullException.ThrowIfNull(rng);
        var execution = Start(args.Args);
        var weight = RunTo(execution, args.Pauses, rng);
        return new(new ResumableTrace<TArgs, TRet>(this, args, execution), weight);
    }

    /// <inheritdoc />
    public UpdateResult<(TArgs Args, int Pauses), Paused<TRet>> Update(ITrace<(TArgs Args, int Pauses), Paused<TRet>> trace,
        (TArgs Args, int Pauses) args, ChoiceMap constraints, Rng rng)
    {
        NoConstraints(constraints);
        ArgumentNullException.ThrowIfNull(rng);
        var t = Own(trace);
        if (!EqualityComparer<TArgs>.Default.Equals(t.Args.Args, args.Args) || args.Pauses < t.Args.Pauses)
            throw new NotSupportedException(
                $"The resumable form of '{Model.Name}' only moves forward with the same arguments (from pause {t.Args.Pauses} to {args.Pauses} was asked, or the arguments changed).");
        if (t.Execution.Finished || args.Pauses == t.Args.Pauses) return new(new ResumableTrace<TArgs, TRet>(this, args, t.Execution), 0, ChoiceMap.Empty);
        // The old trace stays valid (resampling shares it between offspring): resume a clone.
        var execution = t.Execution.Clone();
        var weight = RunTo(execution, args.Pauses, rng);
        return new(new ResumableTrace<TArgs, TRet>(this, args, execution), weight, ChoiceMap.Empty);
    }

    private static double RunTo(ResumableExecution execution, int pauses, Rng rng)
    {
        var weight = 0.0;
        while (!execution.Finished && execution.ScorePoints < pauses) weight += execution.Advance(rng);
        return weight;
    }

    private void NoConstraints(ChoiceMap constraints)
    {
        ArgumentNullException.ThrowIfNull(constraints);
        if (!constraints.IsEmpty)
            throw new NotSupportedException($"The resumable form of '{Model.Name}' draws every choice from its prior; constraints are not supported (condition with Observe).");
    }

    private NotSupportedException Unsupported(string operation) =>
        new($"{operation} is not supported on the resumable form of '{Model.Name}' (it serves SMC's forward steps); use the replay form (ResumableModel.Replay wrapped in PausingModel) for moves.");

    /// <inheritdoc />
    public AssessResult<Paused<TRet>> Assess((TArgs Args, int Pauses) args, ChoiceMap choices) => throw Unsupported("Assess");

    /// <inheritdoc />
    public ProposeResult<Paused<TRet>> Propose((TArgs Args, int Pauses) args, Rng rng)
    {
        var t = Simulate(args, rng);
        return new(t.Choices, t.Score, t.Return);
    }

    /// <inheritdoc />
    public RegenerateResult<(TArgs Args, int Pauses), Paused<TRet>> Regenerate(ITrace<(TArgs Args, int Pauses), Paused<TRet>> trace,
        (TArgs Args, int Pauses) args, Selection selection, Rng rng) => throw Unsupported("Regenerate");

    /// <inheritdoc />
    public double Project(ITrace<(TArgs Args, int Pauses), Paused<TRet>> trace, Selection selection) => throw Unsupported("Project");

    /// <inheritdoc />
    public double Project(ITrace trace, Selection selection) => throw Unsupported("Project");

    /// <inheritdoc />
    public ChoiceMap ChoiceGradients(ITrace<(TArgs Args, int Pauses), Paused<TRet>> trace, Selection selection) => throw Unsupported("ChoiceGradients");

    /// <inheritdoc />
    public void AccumulateParameterGradients(ITrace<(TArgs Args, int Pauses), Paused<TRet>> trace, double scale) => Own(trace);

    private ResumableTrace<TArgs, TRet> Own(ITrace<(TArgs Args, int Pauses), Paused<TRet>> trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return trace is ResumableTrace<TArgs, TRet> t && ReferenceEquals(t.Owner, this)
            ? t
            : throw new ArgumentException($"The trace was not produced by '{Name}' (it comes from '{trace.Function.Name}').", nameof(trace));
    }

    /// <inheritdoc />
    public override string ToString() => $"Resumable {Model.Name}";
}

/// <summary>A paused execution seen as a trace of the paused model (args, k); it is never advanced in place.</summary>
public sealed class ResumableTrace<TArgs, TRet> : ITrace<(TArgs Args, int Pauses), Paused<TRet>>
{
    internal ResumableTrace(ResumableFunction<TArgs, TRet> owner, (TArgs Args, int Pauses) args, ResumableExecution<TRet> execution)
    {
        Owner = owner;
        Args = args;
        Execution = execution;
    }

    internal ResumableFunction<TArgs, TRet> Owner { get; }

    /// <summary>The paused execution (do not advance it: clone it first).</summary>
    public ResumableExecution<TRet> Execution { get; }

    /// <inheritdoc />
    public (TArgs Args, int Pauses) Args { get; }

    /// <inheritdoc />
    public Paused<TRet> Return => new(Execution.Finished, Execution.Finished ? Execution.Return : default, Execution.ScorePoints);

    /// <inheritdoc />
    public IGenerativeFunction<(TArgs Args, int Pauses), Paused<TRet>> GenerativeFunction => Owner;

    /// <inheritdoc />
    public ChoiceMap Choices => Execution.Choices;

    /// <inheritdoc />
    public double Score => Execution.Score;

    /// <inheritdoc />
    public object? ArgsObject => Args;

    /// <inheritdoc />
    public object? ReturnObject => Return;

    /// <inheritdoc />
    public IGenerativeFunction Function => Owner;
}
