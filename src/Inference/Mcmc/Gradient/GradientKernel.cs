namespace Ppl.Inference.Mcmc;

/// <summary>
/// What HMC, MALA and NUTS share: initialisation, Stan's warm-up (dual-averaging step size and windowed
/// metric) around each transition, and the transition itself left to the subclass.
/// </summary>
public abstract class GradientKernel : IGradientKernel
{
    /// <summary>Which metric to adapt during warm-up (default diagonal).</summary>
    public MetricKind MetricKind { get; init; } = MetricKind.Diagonal;

    /// <summary>
    /// The acceptance statistic the step size targets during warm-up (default 0.8; Stan's <c>adapt_delta</c>).
    /// Warm-up keeps exp of the averaged iterate of the last adaptation window, as Stan does, so the mean
    /// acceptance statistic after warm-up is not the target itself: on well-conditioned posteriors it comes out
    /// above it (≈0.88 at 0.8 on a 10-dimensional standard normal, in Stan as here, ≈0.95 at 0.95), on funnels
    /// below it (≈0.78 at 0.8 and ≈0.89 at 0.95 on the centred eight schools, again in Stan as here), where a
    /// chain that reaches the neck with the fixed step size diverges there repeatedly.
    /// </summary>
    public double TargetAccept { get; init; } = 0.8;

    /// <summary>
    /// Stan's <c>stepsize_jitter</c> (default 0, none): each transition uses the step size ε·(1 + j·u), u uniform
    /// in [−1, 1], while adaptation keeps learning the nominal ε. With 0 no random number is drawn for it.
    /// </summary>
    public double StepSizeJitter
    {
        get => _jitter;
        init
        {
            if (!(value >= 0 && value <= 1)) throw new ArgumentOutOfRangeException(nameof(value), value, "The step-size jitter must be in [0, 1].");
            _jitter = value;
        }
    }

    private readonly double _jitter;

    /// <summary>The initial step size (default 1; refined heuristically before warm-up).</summary>
    public double InitialStepSize { get; init; } = 1.0;

    /// <summary>The initial metric (default unit).</summary>
    public Metric? InitialMetric { get; init; }

    /// <summary>Energy error above which a trajectory counts as divergent (Stan: 1000).</summary>
    public double MaxDeltaH { get; init; } = 1000;

    /// <inheritdoc />
    public GradientState Init(IDifferentiableDensity density, ReadOnlySpan<double> position, int warmup, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(density);
        ArgumentNullException.ThrowIfNull(rng);
        if (position.Length != density.Dimension)
            throw new ArgumentException($"The position has {position.Length} coordinates; the density has {density.Dimension}.", nameof(position));
        var q = position.ToArray();
        var g = new double[q.Length];
        var logp = density.LogDensityAndGradient(q, g);
        if (!double.IsFinite(logp))
            throw new ArgumentException($"The log density at the initial position is {logp}; choose another initial point.", nameof(position));
        foreach (var gi in g)
            if (!double.IsFinite(gi)) throw new ArgumentException("The gradient at the initial position is not finite.", nameof(position));
        var metric = InitialMetric ?? Metric.Unit(q.Length);
        var eps = InitialStepSize;
        WarmupAdaptation? adaptation = null;
        if (warmup > 0)
        {
            eps = Leapfrog.FindReasonableStepSize(density, metric, q, logp, g, eps, rng);
            adaptation = WarmupAdaptation.Create(warmup, q.Length, MetricKind, eps, TargetAccept);
        }
        return new GradientState(q, logp, g, eps, metric, 0, adaptation, new TransitionStats(1, eps, 0, 0, false, double.NaN, false));
    }

    /// <inheritdoc />
    public GradientState Step(IDifferentiableDensity density, GradientState state, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(density);
        ArgumentNullException.ThrowIfNull(state);
        // Stan's sample_stepsize: the transition may use a jittered step; the state keeps the nominal one.
        var moving = _jitter > 0 ? state with { StepSize = state.StepSize * (1 + _jitter * (2 * rng.NextDouble() - 1)) } : state;
        var (q, logp, g, stats) = Transition(density, moving, rng);
        var next = state with { Position = q, LogDensity = logp, Gradient = g, Iteration = state.Iteration + 1, Stats = stats };
        if (state.Adaptation is { } a)
        {
            var (adapt, eps, metric, changed) = a.Learn(stats.AcceptStat, q, state.Metric);
            if (changed && adapt is not null)
            {
                eps = Leapfrog.FindReasonableStepSize(density, metric, q, logp, g, eps, rng);
                adapt = adapt.RestartStepSize(eps);
            }
            next = next with { Adaptation = adapt, StepSize = eps, Metric = metric };
        }
        return next;
    }

    /// <summary>One transition from <paramref name="state"/> with its step size and metric: new position, log density, gradient and statistics.</summary>
    protected abstract (double[] Position, double LogDensity, double[] Gradient, TransitionStats Stats) Transition(
        IDifferentiableDensity density, GradientState state, Rng rng);
}
