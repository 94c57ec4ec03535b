namespace Ppl.Autodiff;

/// <summary>
/// The right-hand side f(t, y, θ) of an ODE system y′ = f(t, y, θ) over doubles, for the value-level
/// <see cref="OdeSolver.Rk45(OdeRhs, double[], double[], double, double[], OdeOptions?)"/>: writes the derivative of
/// every state component into <paramref name="dydt"/> (as long as <paramref name="y"/>). It must be a pure function
/// of its arguments; a non-finite entry makes the solver shorten the step and, if that does not help, fail with
/// <see cref="OdeSolverException"/>.
/// </summary>
/// <param name="t">The time.</param>
/// <param name="y">The state at <paramref name="t"/>.</param>
/// <param name="theta">The parameters, as given to the solver.</param>
/// <param name="dydt">Receives dy/dt.</param>
public delegate void OdeRhs(double t, ReadOnlySpan<double> y, ReadOnlySpan<double> theta, Span<double> dydt);
