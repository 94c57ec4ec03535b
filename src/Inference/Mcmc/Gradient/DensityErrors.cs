namespace Ppl.Inference.Mcmc;

/// <summary>
/// Which exceptions thrown by a log density mean "this point is outside the model's domain" (a rejected proposal,
/// as Stan treats <c>std::domain_error</c>) and which are bugs that must end the run.
/// </summary>
internal static class DensityErrors
{
    /// <summary>
    /// True for errors of the point, not of the program: invalid distribution parameters, a matrix that is not
    /// positive definite, a solver that did not converge, arithmetic overflow (<see cref="ArgumentException"/>,
    /// <see cref="ArithmeticException"/>, Ppl's model errors), also when the model's code threw them. A
    /// <see cref="NullReferenceException"/>, an index out of range, a null argument or a cancellation is not a rejection.
    /// </summary>
    public static bool IsRejection(Exception e) => e switch
    {
        OperationCanceledException => false,
        ModelCodeException m => m.InnerException is { } inner && IsRejection(inner),
        // A misspelled address or a run that left the density's layout is a problem of the program, at every point.
        UnknownAddressException or Modeling.DifferentiableLayoutException => false,
        PplException => true,
        ArgumentNullException => false,
        ArgumentException or ArithmeticException => true,
        _ => false,
    };
}
