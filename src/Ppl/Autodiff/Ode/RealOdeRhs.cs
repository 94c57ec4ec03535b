namespace Ppl.Autodiff;

/// <summary>
/// The right-hand side f(t, y, θ) of an ODE system y′ = f(t, y, θ) written over <see cref="Real"/>, for the solvers
/// that differentiate (<see cref="OdeSolver.Rk45(RealOdeRhs, Real[], Real[], double, double[], OdeOptions?)"/>,
/// <see cref="OdeSolver.Rosenbrock(RealOdeRhs, Real[], Real[], double, double[], OdeOptions?)"/>). The solver runs it
/// on a scratch tape of its own with t, y and the variable parameters as variables and takes the Jacobians ∂f/∂y,
/// ∂f/∂θ and ∂f/∂t from the backward sweeps (one per state component), so the modeler writes f once, as ordinary
/// arithmetic, and never a Jacobian.
/// <para>
/// Everything f depends on that should be differentiated must come in through <paramref name="theta"/>: a
/// <see cref="Real"/> of the model's tape captured in a closure belongs to another tape and gives wrong derivatives
/// (captured doubles are fine). Write the time dependence with <see cref="RealMath"/> on <paramref name="t"/> (for
/// example <c>RealMath.Cos(t)</c>), so that the stiff solver gets ∂f/∂t; through <c>t.Value</c> it is treated as 0,
/// which keeps the order of the Rosenbrock method (a W-method) but costs accuracy on stiff forced problems.
/// </para>
/// </summary>
/// <param name="t">The time.</param>
/// <param name="y">The state at <paramref name="t"/>.</param>
/// <param name="theta">The parameters, as given to the solver.</param>
/// <param name="dydt">Receives dy/dt (as long as <paramref name="y"/>).</param>
public delegate void RealOdeRhs(Real t, ReadOnlySpan<Real> y, ReadOnlySpan<Real> theta, Span<Real> dydt);
