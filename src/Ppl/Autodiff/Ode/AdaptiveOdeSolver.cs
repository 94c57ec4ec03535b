namespace Ppl.Autodiff;

/// <summary>
/// The stepping loop shared by the adaptive one-step methods: output times inside a step come from the method's dense
/// output where it has one, otherwise each is hit exactly (a step that would pass it is shortened to end on it); each
/// attempt's error estimate is measured in the scaled root-mean-square norm of <see cref="OdeOptions"/> over every
/// component of z (the sensitivities included), and the step size follows the elementary controller
/// h · clamp(0.9 · err^(−1/(q+1)), 0.2, 10) with q the order of the error estimate (no growth right after a rejection).
/// An attempt with a non-finite error shrinks the step tenfold. Failures throw <see cref="OdeSolverException"/>.
/// </summary>
internal abstract class AdaptiveOdeSolver
{
    private const double Safety = 0.9;
    private const double MinFactor = 0.2;
    private const double MaxFactor = 10.0;
    private const double MachineEpsilon = 2.220446049250313e-16;

    protected AdaptiveOdeSolver(OdeSystem system, OdeOptions options)
    {
        System = system;
        Options = options;
        N = system.Size;
    }

    protected OdeSystem System { get; }

    protected OdeOptions Options { get; }

    /// <summary>The length of z.</summary>
    protected int N { get; }

    /// <summary>The solver's name in messages.</summary>
    protected abstract string Name { get; }

    /// <summary>The order of the method (for the initial step).</summary>
    protected abstract int Order { get; }

    /// <summary>The order of the local error estimate, q (the controller's exponent is −1/(q+1)).</summary>
    protected abstract int EstimateOrder { get; }

    /// <summary>Prepares the first step at (t₀, z₀); returns dz/dt there.</summary>
    protected abstract double[] Start(double t, double[] z);

    /// <summary>Tries a step of size <paramref name="h"/> from (t, z) into <paramref name="zNew"/>; returns the scaled error norm (≤ 1 accepts; NaN or ∞ when a stage was not finite).</summary>
    protected abstract double Attempt(double t, double h, double[] z, double[] zNew);

    /// <summary>
    /// Whether <see cref="Interpolate"/> gives the solution inside an accepted step; then steps are not shortened to
    /// land on each output time, only on the last.
    /// </summary>
    protected virtual bool HasDenseOutput => false;

    /// <summary>
    /// Writes the solution at t + <paramref name="fraction"/>·h into <paramref name="output"/>, for the attempt just
    /// accepted from (t, <paramref name="z"/>) with step <paramref name="h"/> (called before <see cref="Accepted"/>).
    /// </summary>
    protected virtual void Interpolate(double fraction, double h, double[] z, double[] output) =>
        throw new NotSupportedException($"{Name} has no dense output.");

    /// <summary>Told that the last attempt was accepted and the solution is now (t, z).</summary>
    protected abstract void Accepted(double t, double[] z);

    /// <summary>Accepted steps.</summary>
    public int Steps { get; private set; }

    /// <summary>Rejected steps.</summary>
    public int Rejected { get; private set; }

    /// <summary>What the solve cost.</summary>
    public OdeStatistics Statistics => new(Steps, Rejected, System.Evaluations, System.JacobianEvaluations);

    /// <summary>z at each of <paramref name="times"/> (non-decreasing, none before <paramref name="t0"/>).</summary>
    public double[][] Solve(double t0, double[] z0, double[] times)
    {
        var z = (double[])z0.Clone();
        var zNew = new double[N];
        var outputs = new double[times.Length][];
        if (times.Length == 0) return outputs;
        var span = times[^1] - t0;
        var f0 = Start(t0, z);
        if (!AllFinite(f0)) throw Fail(OdeFailure.NonFiniteState, t0, 0, "the right-hand side at the initial state is not finite");
        var h = Options.InitialStep ?? InitialStep(t0, z, f0, span);
        h = Math.Min(h, Options.MaxStep);
        var t = t0;
        var attempts = 0;
        var rejectedLast = false;
        var nonFiniteLast = false;
        var exponent = -1.0 / (EstimateOrder + 1);
        var next = 0;
        while (next < times.Length && times[next] <= t0) outputs[next++] = (double[])z.Clone();
        while (next < times.Length)
        {
            // With dense output the steps run freely up to the last output time; without, each output time is landed on.
            var target = HasDenseOutput ? times[^1] : times[next];
            var minStep = 16 * MachineEpsilon * Math.Max(Math.Abs(t), Math.Abs(span));
            if (attempts >= Options.MaxSteps)
                throw Fail(OdeFailure.TooManySteps, t, h, $"{Options.MaxSteps} steps (OdeOptions.MaxSteps) before reaching t = {times[next]:G6}");
            var hTry = Math.Min(h, Options.MaxStep);
            var land = false;
            if (t + hTry + minStep >= target)
            {
                hTry = target - t;
                land = true;
            }
            else if (hTry < minStep)
            {
                throw nonFiniteLast
                    ? Fail(OdeFailure.NonFiniteState, t, hTry, "shorter steps did not avoid non-finite stages")
                    : Fail(OdeFailure.StepSizeUnderflow, t, hTry, $"the step is below the smallest resolvable one, {minStep:G3}");
            }
            attempts++;
            var err = Attempt(t, hTry, z, zNew);
            if (err <= 1.0)
            {
                var tNew = land ? target : t + hTry;
                for (; next < times.Length && times[next] <= tNew; next++)
                {
                    if (times[next] == tNew)
                    {
                        outputs[next] = (double[])zNew.Clone();
                    }
                    else
                    {
                        var o = outputs[next] = new double[N];
                        Interpolate((times[next] - t) / hTry, hTry, z, o);
                    }
                }
                t = tNew;
                (z, zNew) = (zNew, z);
                Accepted(t, z);
                Steps++;
                var factor = err == 0 ? MaxFactor : Math.Clamp(Safety * Math.Pow(err, exponent), MinFactor, MaxFactor);
                if (rejectedLast) factor = Math.Min(factor, 1.0);
                var hNew = hTry * factor;
                // A step shortened to land on an output time says little about the step size the solution allows.
                h = land && hTry < h ? Math.Max(hNew, h) : hNew;
                rejectedLast = false;
                nonFiniteLast = false;
            }
            else
            {
                Rejected++;
                rejectedLast = true;
                nonFiniteLast = !double.IsFinite(err);
                h = nonFiniteLast ? hTry * 0.1 : hTry * Math.Max(MinFactor, Safety * Math.Pow(err, exponent));
            }
        }
        return outputs;
    }

    /// <summary>The scaled RMS norm of <paramref name="e"/>, each component against atol + rtol · max(|z|, |zNew|).</summary>
    protected double ErrorNorm(double[] e, double[] z, double[] zNew)
    {
        double sum = 0;
        var atol = Options.AbsoluteTolerance;
        var rtol = Options.RelativeTolerance;
        for (var i = 0; i < N; i++)
        {
            var r = e[i] / (atol + rtol * Math.Max(Math.Abs(z[i]), Math.Abs(zNew[i])));
            sum += r * r;
        }
        return Math.Sqrt(sum / N);
    }

    private double Norm(double[] v, double[] z)
    {
        double sum = 0;
        for (var i = 0; i < N; i++)
        {
            var r = v[i] / (Options.AbsoluteTolerance + Options.RelativeTolerance * Math.Abs(z[i]));
            sum += r * r;
        }
        return Math.Sqrt(sum / N);
    }

    /// <summary>Hairer, Nørsett and Wanner's starting step (Solving ODEs I, II.4): from ‖z₀‖, ‖f₀‖ and an explicit Euler probe of f′.</summary>
    private double InitialStep(double t0, double[] z0, double[] f0, double span)
    {
        var d0 = Norm(z0, z0);
        var d1 = Norm(f0, z0);
        var h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        if (span > 0) h0 = Math.Min(h0, span);
        var z1 = new double[N];
        for (var i = 0; i < N; i++) z1[i] = z0[i] + h0 * f0[i];
        var f1 = new double[N];
        System.Derivative(t0 + h0, z1, f1);
        for (var i = 0; i < N; i++) f1[i] -= f0[i];
        var d2 = Norm(f1, z0) / h0;
        if (!double.IsFinite(d2)) return h0;
        var max = Math.Max(d1, d2);
        var h1 = max <= 1e-15 ? Math.Max(1e-6, h0 * 1e-3) : Math.Pow(0.01 / max, 1.0 / Order);
        var h = Math.Min(100 * h0, h1);
        return span > 0 ? Math.Min(h, span) : h;
    }

    protected static bool AllFinite(double[] v)
    {
        foreach (var x in v)
            if (!double.IsFinite(x)) return false;
        return true;
    }

    private OdeSolverException Fail(OdeFailure reason, double t, double h, string detail) => new(Name, reason, t, h, detail);
}
