namespace Ppl.Autodiff;

/// <summary>
/// Adaptive solvers for initial value problems y′ = f(t, y, θ), y(t₀) = y₀, with the solution reported at given output
/// times: <c>Rk45</c> takes them from its fourth-order dense output, so many output times do not shorten its steps;
/// <c>Rosenbrock</c> shortens a step that would pass an output time to end on it. Neither steps past the last one.
/// <list type="bullet">
/// <item><see cref="Rk45(OdeRhs, double[], double[], double, double[], OdeOptions?)"/>: the explicit Dormand–Prince 5(4)
/// pair with its continuous extension, for non-stiff problems (Stan's <c>ode_rk45</c>).</item>
/// <item><see cref="Rosenbrock(RealOdeRhs, Real[], Real[], double, double[], OdeOptions?)"/>: the L-stable, linearly
/// implicit Rosenbrock 2(3) triple of MATLAB's <c>ode23s</c>, for stiff problems (fast decaying modes that hold an
/// explicit method to tiny steps); second order, so best at moderate tolerances (rtol 1e-3 to 1e-6).</item>
/// </list>
/// <para>
/// <b>Gradients.</b> The overloads over <see cref="Real"/> differentiate the solution with respect to the entries of y₀
/// and θ that are variables on the current tape, by forward sensitivities: with the state they integrate Sⱼ = ∂y/∂pⱼ
/// for each such input pⱼ, which satisfies the linear ODE Sⱼ′ = (∂f/∂y) Sⱼ + ∂f/∂pⱼ, and the sensitivities take part in
/// the error control, so the derivatives are as accurate as the values. The Jacobians come from running the
/// <see cref="RealOdeRhs"/> on a scratch tape (the modeler writes f once); the caller's tape gets no node per step, only
/// one node per output value (component i at time k) and one adjoint rule that applies the final sensitivities.
/// Forward sensitivities cost O(n · (n + p)) extra work per evaluation, which suits the small systems (a few states and
/// parameters) of pharmacokinetic, epidemic or population models; an adjoint method would pay off for large p only.
/// Constant inputs get no sensitivity, so a solve with no variable inputs is a plain value-level solve.
/// </para>
/// <para>
/// <b>Failures.</b> A step size that underflows, more than <see cref="OdeOptions.MaxSteps"/> steps, or a state that is
/// not finite throw <see cref="OdeSolverException"/>, naming the time, the step size and the reason. Misuse (an empty
/// y₀, output times before t₀, decreasing or not finite, invalid options) throws <see cref="ArgumentException"/>.
/// </para>
/// </summary>
public static class OdeSolver
{
    /// <summary>Solves y′ = f(t, y, θ) with the Dormand–Prince 5(4) pair, over doubles.</summary>
    /// <param name="rhs">f.</param>
    /// <param name="y0">The state at <paramref name="t0"/>.</param>
    /// <param name="theta">The parameters passed to f (may be empty).</param>
    /// <param name="t0">The initial time.</param>
    /// <param name="times">The output times: non-decreasing, none before <paramref name="t0"/> (one equal to it gives y₀).</param>
    /// <param name="options">Tolerances and limits (<see cref="OdeOptions.Default"/> when null).</param>
    /// <exception cref="OdeSolverException">The solve failed (step size underflow, too many steps, a non-finite state).</exception>
    public static OdeResult<double> Rk45(OdeRhs rhs, double[] y0, double[] theta, double t0, double[] times, OdeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rhs);
        ArgumentNullException.ThrowIfNull(y0);
        ArgumentNullException.ThrowIfNull(theta);
        var o = Check(y0.Length, t0, times, options);
        const string name = "Rk45 (Dormand–Prince)";
        for (var i = 0; i < y0.Length; i++) CheckFinite(name, t0, "y0", i, y0[i]);
        for (var r = 0; r < theta.Length; r++) CheckFinite(name, t0, "theta", r, theta[r]);
        var solver = new DormandPrinceSolver(new DoubleOdeSystem(rhs, y0.Length, (double[])theta.Clone()), o);
        var states = solver.Solve(t0, y0, times);
        return new OdeResult<double>((double[])times.Clone(), states, solver.Statistics);
    }

    /// <summary>
    /// Solves y′ = f(t, y, θ) with the Dormand–Prince 5(4) pair and differentiates the solution with respect to
    /// <paramref name="y0"/> and <paramref name="theta"/> by forward sensitivities (see <see cref="OdeSolver"/>).
    /// </summary>
    /// <param name="rhs">f over <see cref="Real"/>; its Jacobians are taken on a scratch tape.</param>
    /// <param name="y0">The state at <paramref name="t0"/>.</param>
    /// <param name="theta">The parameters passed to f (may be empty).</param>
    /// <param name="t0">The initial time.</param>
    /// <param name="times">The output times: non-decreasing, none before <paramref name="t0"/>.</param>
    /// <param name="options">Tolerances and limits (<see cref="OdeOptions.Default"/> when null).</param>
    /// <exception cref="OdeSolverException">The solve failed (step size underflow, too many steps, a non-finite state).</exception>
    public static OdeResult<Real> Rk45(RealOdeRhs rhs, Real[] y0, Real[] theta, double t0, double[] times, OdeOptions? options = null) =>
        SolveReal(rhs, y0, theta, t0, times, options, "Rk45 (Dormand–Prince)", (s, o) => new DormandPrinceSolver(s, o));

    /// <summary>Solves the stiff y′ = f(t, y, θ) with the Rosenbrock 2(3) method, over doubles (the Jacobian ∂f/∂y is taken on a scratch tape).</summary>
    /// <param name="rhs">f over <see cref="Real"/>.</param>
    /// <param name="y0">The state at <paramref name="t0"/>.</param>
    /// <param name="theta">The parameters passed to f (may be empty).</param>
    /// <param name="t0">The initial time.</param>
    /// <param name="times">The output times: non-decreasing, none before <paramref name="t0"/>.</param>
    /// <param name="options">Tolerances and limits (<see cref="OdeOptions.Default"/> when null).</param>
    /// <exception cref="OdeSolverException">The solve failed (step size underflow, too many steps, a non-finite state).</exception>
    public static OdeResult<double> Rosenbrock(RealOdeRhs rhs, double[] y0, double[] theta, double t0, double[] times, OdeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(y0);
        ArgumentNullException.ThrowIfNull(theta);
        var result = SolveReal(rhs, Array.ConvertAll(y0, v => (Real)v), Array.ConvertAll(theta, v => (Real)v), t0, times, options,
            "Rosenbrock23", (s, o) => new Rosenbrock23Solver(s, o));
        var states = new double[result.States.Count][];
        for (var k = 0; k < states.Length; k++) states[k] = Array.ConvertAll(result.States[k], v => v.Value);
        return new OdeResult<double>((double[])times.Clone(), states, result.Statistics);
    }

    /// <summary>
    /// Solves the stiff y′ = f(t, y, θ) with the Rosenbrock 2(3) method and differentiates the solution with respect to
    /// <paramref name="y0"/> and <paramref name="theta"/> by forward sensitivities (see <see cref="OdeSolver"/>).
    /// </summary>
    /// <param name="rhs">f over <see cref="Real"/>; its Jacobians are taken on a scratch tape.</param>
    /// <param name="y0">The state at <paramref name="t0"/>.</param>
    /// <param name="theta">The parameters passed to f (may be empty).</param>
    /// <param name="t0">The initial time.</param>
    /// <param name="times">The output times: non-decreasing, none before <paramref name="t0"/>.</param>
    /// <param name="options">Tolerances and limits (<see cref="OdeOptions.Default"/> when null).</param>
    /// <exception cref="OdeSolverException">The solve failed (step size underflow, too many steps, a non-finite state).</exception>
    public static OdeResult<Real> Rosenbrock(RealOdeRhs rhs, Real[] y0, Real[] theta, double t0, double[] times, OdeOptions? options = null) =>
        SolveReal(rhs, y0, theta, t0, times, options, "Rosenbrock23", (s, o) => new Rosenbrock23Solver(s, o));

    /// <summary>
    /// The states of <see cref="Rk45(RealOdeRhs, Real[], Real[], double, double[], OdeOptions?)"/> as a matrix (row k the
    /// state at <paramref name="times"/>[k]), over doubles: for <c>[Model]</c> methods, whose differentiable form calls the
    /// overload over <see cref="Real"/> (same name, <c>double[]</c> as <c>Real[]</c>), so that a model written once over
    /// doubles gets the solution's forward-sensitivity gradients.
    /// </summary>
    /// <param name="rhs">f over <see cref="Real"/> (a static method: a captured <see cref="Real"/> would belong to another tape).</param>
    /// <param name="y0">The state at <paramref name="t0"/>.</param>
    /// <param name="theta">The parameters passed to f (may be empty).</param>
    /// <param name="t0">The initial time.</param>
    /// <param name="times">The output times: non-decreasing, none before <paramref name="t0"/>.</param>
    /// <param name="options">Tolerances and limits (<see cref="OdeOptions.Default"/> when null).</param>
    /// <exception cref="OdeSolverException">The solve failed (step size underflow, too many steps, a non-finite state).</exception>
    public static double[,] Rk45States(RealOdeRhs rhs, double[] y0, double[] theta, double t0, double[] times, OdeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(y0);
        ArgumentNullException.ThrowIfNull(theta);
        return Values(Rk45States(rhs, Array.ConvertAll(y0, v => (Real)v), Array.ConvertAll(theta, v => (Real)v), t0, times, options));
    }

    /// <summary>
    /// The states of <see cref="Rk45(RealOdeRhs, Real[], Real[], double, double[], OdeOptions?)"/> as a matrix (row k the
    /// state at <paramref name="times"/>[k]), differentiated with respect to the variable entries of <paramref name="y0"/>
    /// and <paramref name="theta"/>: what a <c>[Model]</c>'s differentiable form calls for <see cref="Rk45States(RealOdeRhs, double[], double[], double, double[], OdeOptions?)"/>.
    /// </summary>
    /// <param name="rhs">f over <see cref="Real"/>.</param>
    /// <param name="y0">The state at <paramref name="t0"/>.</param>
    /// <param name="theta">The parameters passed to f (may be empty).</param>
    /// <param name="t0">The initial time.</param>
    /// <param name="times">The output times: non-decreasing, none before <paramref name="t0"/>.</param>
    /// <param name="options">Tolerances and limits (<see cref="OdeOptions.Default"/> when null).</param>
    /// <exception cref="OdeSolverException">The solve failed (step size underflow, too many steps, a non-finite state).</exception>
    public static Real[,] Rk45States(RealOdeRhs rhs, Real[] y0, Real[] theta, double t0, double[] times, OdeOptions? options = null) =>
        Matrix(Rk45(rhs, y0, theta, t0, times, options), y0.Length);

    /// <summary>
    /// The states of <see cref="Rosenbrock(RealOdeRhs, Real[], Real[], double, double[], OdeOptions?)"/> as a matrix (row k
    /// the state at <paramref name="times"/>[k]), over doubles: for <c>[Model]</c> methods with a stiff ODE, whose
    /// differentiable form calls the overload over <see cref="Real"/>.
    /// </summary>
    /// <param name="rhs">f over <see cref="Real"/> (a static method: a captured <see cref="Real"/> would belong to another tape).</param>
    /// <param name="y0">The state at <paramref name="t0"/>.</param>
    /// <param name="theta">The parameters passed to f (may be empty).</param>
    /// <param name="t0">The initial time.</param>
    /// <param name="times">The output times: non-decreasing, none before <paramref name="t0"/>.</param>
    /// <param name="options">Tolerances and limits (<see cref="OdeOptions.Default"/> when null).</param>
    /// <exception cref="OdeSolverException">The solve failed (step size underflow, too many steps, a non-finite state).</exception>
    public static double[,] RosenbrockStates(RealOdeRhs rhs, double[] y0, double[] theta, double t0, double[] times, OdeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(y0);
        return Matrix(Rosenbrock(rhs, y0, theta, t0, times, options), y0.Length);
    }

    /// <summary>
    /// The states of <see cref="Rosenbrock(RealOdeRhs, Real[], Real[], double, double[], OdeOptions?)"/> as a matrix (row k
    /// the state at <paramref name="times"/>[k]), differentiated with respect to the variable entries of <paramref name="y0"/>
    /// and <paramref name="theta"/>.
    /// </summary>
    /// <param name="rhs">f over <see cref="Real"/>.</param>
    /// <param name="y0">The state at <paramref name="t0"/>.</param>
    /// <param name="theta">The parameters passed to f (may be empty).</param>
    /// <param name="t0">The initial time.</param>
    /// <param name="times">The output times: non-decreasing, none before <paramref name="t0"/>.</param>
    /// <param name="options">Tolerances and limits (<see cref="OdeOptions.Default"/> when null).</param>
    /// <exception cref="OdeSolverException">The solve failed (step size underflow, too many steps, a non-finite state).</exception>
    public static Real[,] RosenbrockStates(RealOdeRhs rhs, Real[] y0, Real[] theta, double t0, double[] times, OdeOptions? options = null) =>
        Matrix(Rosenbrock(rhs, y0, theta, t0, times, options), y0.Length);

    private static T[,] Matrix<T>(OdeResult<T> result, int n)
    {
        var m = new T[result.States.Count, n];
        for (var k = 0; k < result.States.Count; k++)
            for (var i = 0; i < n; i++) m[k, i] = result.States[k][i];
        return m;
    }

    private static double[,] Values(Real[,] m)
    {
        var v = new double[m.GetLength(0), m.GetLength(1)];
        for (var k = 0; k < v.GetLength(0); k++)
            for (var i = 0; i < v.GetLength(1); i++) v[k, i] = m[k, i].Value;
        return v;
    }

    private static OdeResult<Real> SolveReal(RealOdeRhs rhs, Real[] y0, Real[] theta, double t0, double[] times, OdeOptions? options,
        string name, Func<OdeSystem, OdeOptions, AdaptiveOdeSolver> create)
    {
        ArgumentNullException.ThrowIfNull(rhs);
        ArgumentNullException.ThrowIfNull(y0);
        ArgumentNullException.ThrowIfNull(theta);
        var o = Check(y0.Length, t0, times, options);
        for (var i = 0; i < y0.Length; i++) CheckFinite(name, t0, "y0", i, y0[i].Value);
        for (var r = 0; r < theta.Length; r++) CheckFinite(name, t0, "theta", r, theta[r].Value);
        var system = RealOdeSystem.Create(rhs, y0, theta, differentiate: true);
        var z0 = new double[system.Size];
        system.Initial(y0, z0);
        var solver = create(system, o);
        var outputs = solver.Solve(t0, z0, times);

        var n = y0.Length;
        var m = system.Columns;
        var states = new Real[times.Length][];
        if (m == 0)
        {
            for (var k = 0; k < states.Length; k++) states[k] = Array.ConvertAll(outputs[k], v => (Real)v);
            return new OdeResult<Real>((double[])times.Clone(), states, solver.Statistics);
        }
        var inputs = new int[m];
        var c = 0;
        foreach (var i in system.SensitiveY0) inputs[c++] = y0[i].Index;
        foreach (var r in system.SensitiveTheta) inputs[c++] = theta[r].Index;
        var partials = new double[times.Length * n * m];
        for (var k = 0; k < times.Length; k++)
            for (var i = 0; i < n; i++)
                for (var j = 0; j < m; j++) partials[(k * n + i) * m + j] = outputs[k][n + j * n + i];
        var count = times.Length * n;
        if (count == 0) return new OdeResult<Real>((double[])times.Clone(), states, solver.Statistics);
        var first = Tape.Current.PushOperation(new OdeSensitivityOperation(inputs, partials, count), count);
        for (var k = 0; k < times.Length; k++)
        {
            var s = states[k] = new Real[n];
            for (var i = 0; i < n; i++) s[i] = new Real(outputs[k][i], first + k * n + i);
        }
        return new OdeResult<Real>((double[])times.Clone(), states, solver.Statistics);
    }

    private static OdeOptions Check(int n, double t0, double[] times, OdeOptions? options)
    {
        ArgumentNullException.ThrowIfNull(times);
        var o = options ?? OdeOptions.Default;
        o.Validate();
        if (n == 0) throw new ArgumentException("An ODE needs at least one state component; y0 is empty.", "y0");
        if (!double.IsFinite(t0)) throw new ArgumentException($"The initial time t0 must be finite; got {t0}.", nameof(t0));
        var previous = t0;
        for (var k = 0; k < times.Length; k++)
        {
            if (!double.IsFinite(times[k])) throw new ArgumentException($"Output time times[{k}] must be finite; got {times[k]}.", nameof(times));
            if (times[k] < previous)
                throw new ArgumentException(k == 0
                    ? $"Output times must not come before t0 = {t0}; times[0] is {times[0]}."
                    : $"Output times must be non-decreasing; times[{k}] = {times[k]} comes after {times[k - 1]}.", nameof(times));
            previous = times[k];
        }
        return o;
    }

    private static void CheckFinite(string solver, double t0, string name, int index, double value)
    {
        if (!double.IsFinite(value))
            throw new OdeSolverException(solver, OdeFailure.NonFiniteState, t0, 0, $"{name}[{index}] is {value}");
    }
}
