namespace Ppl;

/// <summary>Why an ODE solve failed (<see cref="OdeSolverException.Reason"/>).</summary>
public enum OdeFailure
{
    /// <summary>The error control asked for a step too small to advance the time in double precision (the problem is too stiff for the method, or the solution has a singularity).</summary>
    StepSizeUnderflow,

    /// <summary>The solve took <see cref="Autodiff.OdeOptions.MaxSteps"/> steps before reaching the last output time.</summary>
    TooManySteps,

    /// <summary>The state or its derivative was not finite (NaN or infinite) where shorter steps could not avoid it: at the start, or until the step size underflowed.</summary>
    NonFiniteState,
}
