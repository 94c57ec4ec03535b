namespace Ppl;

/// <summary>
/// Thrown when an ODE solver in <see cref="Autodiff.OdeSolver"/> cannot reach the requested times: the step size
/// underflowed, the step budget ran out, or the state became non-finite. The message names the solver, the time
/// reached, the step size and the reason, so a sampler or a user catching it can reject the proposal with that reason.
/// A <see cref="ModelException"/>: a model's code that calls a solver passes it through unwrapped.
/// </summary>
public sealed class OdeSolverException : ModelException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="solver">The solver's name, e.g. "Rk45".</param>
    /// <param name="reason">Why it failed.</param>
    /// <param name="time">The time the solution had reached.</param>
    /// <param name="stepSize">The step size being tried.</param>
    /// <param name="detail">What happened, in words (may be empty).</param>
    public OdeSolverException(string solver, OdeFailure reason, double time, double stepSize, string detail)
        : base($"ODE solver {solver} failed at t = {Format(time)} with step size {Format(stepSize)}: {Describe(reason)}"
               + (detail.Length > 0 ? $" ({detail})." : "."))
    {
        Solver = solver;
        Reason = reason;
        Time = time;
        StepSize = stepSize;
    }

    /// <summary>The solver's name.</summary>
    public string Solver { get; }

    /// <summary>Why it failed.</summary>
    public OdeFailure Reason { get; }

    /// <summary>The time the solution had reached.</summary>
    public double Time { get; }

    /// <summary>The step size being tried when it failed.</summary>
    public double StepSize { get; }

    private static string Format(double x) => x.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

    private static string Describe(OdeFailure reason) => reason switch
    {
        OdeFailure.StepSizeUnderflow => "the step size underflowed (the problem may be stiff, or the solution singular)",
        OdeFailure.TooManySteps => "too many steps",
        OdeFailure.NonFiniteState => "the state or its derivative is not finite",
        _ => reason.ToString(),
    };
}
