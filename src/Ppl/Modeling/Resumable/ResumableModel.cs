namespace Ppl.Modeling;

/// <summary>
/// What SMC needs from a <c>[Model]</c> method (SPEC M7), generated as the <c>…Resumable</c> property beside
/// <c>…Model</c>: the model's generative function, the same body as a dynamic model (for replay from a
/// recorded prefix), and, when the generator could lower the body into a state machine, a factory of
/// paused executions (<see cref="Start"/>). <see cref="FallbackReason"/> says why a model is not resumable
/// (the construct also named by diagnostic PPL0010).
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
    public ResumableModel(IGenerativeFunction<TArgs, TRet> function, DynamicModel<TArgs, TRet> replay,
        Func<TArgs, ResumableExecution<TRet>>? start, string? fallbackReason)
    {
        Function = function ?? throw new ArgumentNullException(nameof(function));
        Replay = replay ?? throw new ArgumentNullException(nameof(replay));
        _start = start;
        FallbackReason = start is null ? fallbackReason ?? "the body is not lowered" : null;
    }

    /// <summary>The model's name.</summary>
    public string Name => Function.Name;

    /// <summary>The model's generative function (the generated <c>…Model</c>).</summary>
    public IGenerativeFunction<TArgs, TRet> Function { get; }

    /// <summary>The body as a dynamic model: SMC over it replays the choices so far at every pause (O(T²) per run).</summary>
    public DynamicModel<TArgs, TRet> Replay { get; }

    /// <summary>True when the body was lowered to a state machine (<see cref="Start"/> works).</summary>
    public bool IsResumable => _start is not null;

    /// <summary>Why the body was not lowered (the construct), or null when it was.</summary>
    public string? FallbackReason { get; }

    /// <summary>A new execution of the body at its start, paused before its first statement.</summary>
    public ResumableExecution<TRet> Start(TArgs args) =>
        _start is { } s
            ? s(args)
            : throw new NotSupportedException($"Model '{Name}' has no resumable form ({FallbackReason}); run SMC on it by replay (Replay).");
}
