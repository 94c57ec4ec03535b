namespace Ppl.Inference.Mcmc;

/// <summary>
/// Stan's warm-up, as an immutable state: the step size adapts by <see cref="DualAveraging"/> at every
/// warm-up iteration; the metric is estimated from the draws of a series of doubling windows between an
/// initial fast buffer (75 iterations) and a terminal fast buffer (50), the first window 25 long, the
/// last stretched to reach the terminal buffer. At the end of each window the metric becomes the
/// regularised sample (co)variance, (n/(n+5))·Σ̂ + 10⁻³·(5/(n+5))·I, and step-size adaptation restarts.
/// When warm-up is shorter than 150 iterations the buffers become 15%, 75% and 10% of it, as in Stan.
/// </summary>
public sealed record WarmupAdaptation
{
    /// <summary>Warm-up iterations in all.</summary>
    public required int Warmup { get; init; }

    /// <summary>Which metric adapts.</summary>
    public required MetricKind MetricKind { get; init; }

    /// <summary>The step-size adaptation.</summary>
    public required DualAveraging StepSize { get; init; }

    /// <summary>Initial fast buffer length.</summary>
    public int InitBuffer { get; init; }

    /// <summary>Terminal fast buffer length.</summary>
    public int TermBuffer { get; init; }

    /// <summary>The current window's length.</summary>
    public int WindowSize { get; init; }

    /// <summary>The iteration at which the current window ends.</summary>
    public int NextWindowEnd { get; init; }

    /// <summary>Warm-up iterations done.</summary>
    public int Counter { get; init; }

    /// <summary>Draws in the current window.</summary>
    public int Count { get; init; }

    /// <summary>Running mean of the window's draws (Welford).</summary>
    public double[] Mean { get; init; } = [];

    /// <summary>Running sums of squared deviations: n entries (diagonal) or n² (dense, row-major).</summary>
    public double[] M2 { get; init; } = [];

    /// <summary>Creates the adaptation for <paramref name="warmup"/> iterations.</summary>
    public static WarmupAdaptation Create(int warmup, int dimension, MetricKind kind, double stepSize, double targetAccept)
    {
        int init = 75, term = 50, window = 25;
        if (init + term + window > warmup)
        {
            init = (int)(0.15 * warmup);
            term = (int)(0.1 * warmup);
            window = warmup - init - term;
        }
        return new WarmupAdaptation
        {
            Warmup = warmup,
            MetricKind = kind,
            StepSize = DualAveraging.Start(stepSize, targetAccept),
            InitBuffer = init,
            TermBuffer = term,
            WindowSize = window,
            NextWindowEnd = init + window - 1,
            Mean = new double[dimension],
            M2 = new double[kind == MetricKind.Dense ? dimension * dimension : dimension],
        };
    }

    private bool InWindow => Counter >= InitBuffer && Counter < Warmup - TermBuffer && Counter != Warmup;

    private bool EndOfWindow => Counter == NextWindowEnd && Counter != Warmup;

    /// <summary>
    /// Learns from one warm-up transition. Returns the next adaptation (null when warm-up is over), the
    /// step size and metric to use next, and whether the metric changed (then the caller re-initialises
    /// the step size heuristically and calls <see cref="RestartStepSize"/>).
    /// </summary>
    public (WarmupAdaptation? Next, double StepSize, Metric Metric, bool MetricChanged) Learn(double acceptStat, ReadOnlySpan<double> position, Metric metric)
    {
        var (da, eps) = StepSize.Update(acceptStat);
        var next = this with { StepSize = da };
        var changed = false;
        if (MetricKind != MetricKind.Unit)
        {
            if (InWindow) next = next.AddSample(position);
            if (EndOfWindow)
            {
                metric = next.Estimate();
                next = next.NextWindow() with { Count = 0, Mean = new double[Mean.Length], M2 = new double[M2.Length] };
                changed = true;
            }
        }
        next = next with { Counter = Counter + 1 };
        if (next.Counter >= Warmup) return (null, da.FinalStepSize, metric, false);
        return (next, eps, metric, changed);
    }

    /// <summary>Restarts step-size adaptation from <paramref name="stepSize"/> (after a metric change).</summary>
    public WarmupAdaptation RestartStepSize(double stepSize) => this with { StepSize = DualAveraging.Start(stepSize, StepSize.Target) };

    private WarmupAdaptation AddSample(ReadOnlySpan<double> x)
    {
        var n = Mean.Length;
        var count = Count + 1;
        var mean = (double[])Mean.Clone();
        var m2 = (double[])M2.Clone();
        Span<double> delta = n <= 512 ? stackalloc double[n] : new double[n];
        for (var i = 0; i < n; i++)
        {
            delta[i] = x[i] - mean[i];
            mean[i] += delta[i] / count;
        }
        if (MetricKind == MetricKind.Dense)
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++) m2[i * n + j] += delta[i] * (x[j] - mean[j]);
        else
            for (var i = 0; i < n; i++) m2[i] += delta[i] * (x[i] - mean[i]);
        return this with { Count = count, Mean = mean, M2 = m2 };
    }

    private Metric Estimate()
    {
        var n = Mean.Length;
        double c = Count;
        var shrink = c / (c + 5.0);
        var ridge = 1e-3 * 5.0 / (c + 5.0);
        if (MetricKind == MetricKind.Dense)
        {
            var s = new double[n, n];
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++) s[i, j] = shrink * M2[i * n + j] / (c - 1) + (i == j ? ridge : 0);
            return new DenseMetric(s);
        }
        var d = new double[n];
        for (var i = 0; i < n; i++) d[i] = shrink * M2[i] / (c - 1) + ridge;
        return new DiagonalMetric(d);
    }

    private WarmupAdaptation NextWindow()
    {
        var lastEnd = Warmup - TermBuffer - 1;
        if (NextWindowEnd == lastEnd) return this;
        var size = WindowSize * 2;
        var end = Counter + size;
        // Stretch this window to the terminal buffer when the one after it would not fit.
        if (end != lastEnd && end + 2 * size >= Warmup - TermBuffer) end = lastEnd;
        return this with { WindowSize = size, NextWindowEnd = end };
    }
}
