namespace Ppl.Inference.Mcmc;

/// <summary>
/// What HMC, MALA and NUTS share: initialisation, Stan's warm-up (dual-averaging step size and windowed
/// metric) around each transition, and the transition itself left to the subclass.
/// </summary>
public abstract class GradientKernel : IGradientKernel
{
    /// <summary>Which metric to adapt during warm-up (default diagonal).</summary>
    public MetricKind MetricKind { get; init; } = MetricKind.Diagonal;

    /// <summary>The acceptance statistic the step size targets (default 0.8).</summary>
    public double TargetAccept { get; init; } = 0.8;

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
        var (q, logp, g, stats) = Transition(density, state, rng);
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
