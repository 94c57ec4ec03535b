namespace Ppl.Modeling;

/// <summary>
/// What SMC needs from a <c>[Model]</c> method (SPEC M7), generated as the <c>…Resumable</c> property beside
/// <c>…Model</c>: the model's generative function, the same body as a dynamic model (for replay from a
/// recorded prefix), and, when the generator could lower the body into a state machine, a factory of
/// paused executions (<see cref="Start(TArgs)"/>). <see cref="FallbackReason"/> says why a model is not resumable
/// (the construct also named by diagnostic PPL0010). Where the generator could also place a pause after every Sample
/// statement (<see cref="TakesObservations"/>), an execution can be given values for Sample sites
/// (<see cref="Start(TArgs, ChoiceMap)"/>), each observed and a pause as the replay form treats it; otherwise
/// <see cref="ObservationsFallbackReason"/> says why, and SMC with observations given as values replays.
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">The model's return type.</typeparam>
public sealed class ResumableModel<TArgs, TRet>
{
    private readonly Func<TArgs, ResumableExecution<TRet>>? _start;

    /// <summary>Created by generated code.</summary>
    /// <param name="function">The model's generative function.</param>
    /// <param name="replay">The same body run by the dynamic tracer (replay fallback).</param>
    /// <param name="start">Creates an execution at its start; null when the body is not lowered.</param>
    /// <param name="fallbackReason">Why the body is not lowered; null when it is.</param>
    /// <param name="observationsFallbackReason">
    /// Why the state machine cannot pause at an observed Sample site (a Sample the lowering could not follow by a pause);
    /// null when it can. Code generated before the state machine took observations does not pass it: it cannot.
    /// </param>
    public ResumableModel(IGenerativeFunction<TArgs, TRet> function, DynamicModel<TArgs, TRet> replay,
        Func<TArgs, ResumableExecution<TRet>>? start, string? fallbackReason,
        string? observationsFallbackReason = "the state machine has no pauses at Sample sites")
    {
        Function = function ?? throw new ArgumentNullException(nameof(function));
        Replay = replay ?? throw new ArgumentNullException(nameof(replay));
        _start = start;
        FallbackReason = start is null ? fallbackReason ?? "the body is not lowered" : null;
        ObservationsFallbackReason = start is null ? FallbackReason : observationsFallbackReason;
    }

    /// <summary>The model's name.</summary>
    public string Name => Function.Name;

    /// <summary>The model's generative function (the generated <c>…Model</c>).</summary>
    public IGenerativeFunction<TArgs, TRet> Function { get; }

    /// <summary>The body as a dynamic model: SMC over it replays the choices so far at every pause (O(T²) per run).</summary>
    public DynamicModel<TArgs, TRet> Replay { get; }

    /// <summary>True when the body was lowered to a state machine (<see cref="Start(TArgs)"/> works).</summary>
    public bool IsResumable => _start is not null;

    /// <summary>Why the body was not lowered (the construct), or null when it was.</summary>
    public string? FallbackReason { get; }

    /// <summary>
    /// True when an execution can be given observed values for Sample sites (<see cref="Start(TArgs, ChoiceMap)"/>): the
    /// state machine pauses after each Sample statement whose address is observed, where the replay form pauses.
    /// </summary>
    public bool TakesObservations => IsResumable && ObservationsFallbackReason is null;

    /// <summary>Why observations given as values cannot run on the state machine (SMC replays them), or null when they can.</summary>
    public string? ObservationsFallbackReason { get; }

    /// <summary>A new execution of the body at its start, paused before its first statement.</summary>
    public ResumableExecution<TRet> Start(TArgs args) =>
        _start is { } s
            ? s(args)
            : throw new NotSupportedException($"Model '{Name}' has no resumable form ({FallbackReason}); run SMC on it by replay (Replay).");

    /// <summary>
    /// A new execution at its start, conditioned on <paramref name="observations"/>: a Sample at a given address returns
    /// the value, adds its log density to the weight (not a choice) and is a pause, as an Observe is; a run that ends
    /// without visiting every given value throws <see cref="UnvisitedConstraintsException"/>. Exactly what the replay form
    /// (<c>PausingModel</c> with the same observations) does, pause for pause.
    /// </summary>
    /// <param name="args">The model's arguments.</param>
    /// <param name="observations">Values of observed Sample sites (empty: the same as <see cref="Start(TArgs)"/>).</param>
    /// <returns>The execution, paused before its first statement.</returns>
    public ResumableExecution<TRet> Start(TArgs args, ChoiceMap observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        if (observations.IsEmpty) return Start(args);
        if (!TakesObservations)
            throw new NotSupportedException(
                $"Model '{Name}''s state machine cannot pause at observed Sample sites ({ObservationsFallbackReason}); run SMC on it by replay (Replay).");
        var e = Start(args);
        e.Observe(observations, observations.Leaves.Count());
        return e;
    }
}
