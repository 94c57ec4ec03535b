namespace Ppl;

/// <summary>
/// Thrown when the model's own code throws (a <see cref="NullReferenceException"/>, an index out of range, an
/// exception from a library the model calls): the original exception is wrapped once, as
/// <see cref="Exception.InnerException"/>, with the model, the operation that ran it and the last address the run
/// visited, so the user can find the line. Ppl's own exceptions pass through unwrapped.
/// </summary>
public sealed class ModelCodeException : ModelException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="operation">The generative-function operation that ran the model (e.g. "Generate", "Assess").</param>
    /// <param name="lastVisited">The last address the run visited before the error, or null when it visited none.</param>
    /// <param name="inner">What the model's code threw.</param>
    public ModelCodeException(string model, string operation, Address? lastVisited, Exception inner)
        : base($"The code of model '{model}' threw {inner.GetType().Name} during {operation}"
               + (lastVisited is { } a ? $", after the choice at '{a}'" : ", before its first choice")
               + $": {inner.Message}", lastVisited, inner)
    {
        Model = model;
        Operation = operation;
    }

    /// <summary>The model's name.</summary>
    public string Model { get; }

    /// <summary>The operation that ran the model's code.</summary>
    public string Operation { get; }

    /// <summary>
    /// Whether <paramref name="e"/>, thrown while a model's code ran, must be wrapped: everything except Ppl's own
    /// exceptions, cancellation, and failures of the runtime itself.
    /// </summary>
    internal static bool ShouldWrap(Exception e) =>
        e is not (PplException or OperationCanceledException or OutOfMemoryException or StackOverflowException or ThreadAbortException);
}
