namespace Ppl.Inference.Variational;

/// <summary>The settings of <see cref="Advi"/>: Stan's defaults where Stan has one.</summary>
public sealed record AdviSettings
{
    /// <summary>A Gaussian with a full Cholesky factor (Stan's <c>fullrank</c>) instead of a diagonal one (<c>meanfield</c>).</summary>
    public bool FullRank { get; init; }

    /// <summary>Gradient steps (Stan's <c>iter</c>: 10,000).</summary>
    public int Steps { get; init; } = 10_000;

    /// <summary>Monte Carlo draws per gradient (Stan's <c>grad_samples</c>: 1).</summary>
    public int GradientSamples { get; init; } = 1;

    /// <summary>Monte Carlo draws for each reported ELBO (Stan's <c>elbo_samples</c>: 100).</summary>
    public int ElboSamples { get; init; } = 100;

    /// <summary>Steps between ELBO reports (Stan's <c>eval_elbo</c>: 100).</summary>
    public int ElboEvery { get; init; } = 100;

    /// <summary>The step-size scale η of Stan's adaptive sequence (Stan tunes it among 100, 10, 1, 0.1, 0.01; 0.1 is a safe default).</summary>
    public double Eta { get; init; } = 0.1;

    /// <summary>
    /// The fraction of final steps whose iterates are averaged into the result (Polyak–Ruppert averaging, 0.5 by default;
    /// 0 returns the last iterate, as Stan does). The last iterate of a stochastic ascent carries the noise of its last
    /// steps; the average of the second half does not, at no extra cost.
    /// </summary>
    public double AverageFraction { get; init; } = 0.5;

    /// <summary>Where the Gaussian's mean starts on the unconstrained scale (null: uniform in [−2, 2] per coordinate, as Stan's initialisation).</summary>
    public double[]? InitialMean { get; init; }

    /// <summary>Progress: the step and the latest ELBO estimate, at each report.</summary>
    public IProgress<(int Step, double Elbo)>? Progress { get; init; }

    /// <summary>Stops the fit between steps (the result then holds the parameters reached so far).</summary>
    public CancellationToken CancellationToken { get; init; }

    internal void Validate(int dimension)
    {
        if (Steps < 1) throw new ArgumentException($"AdviSettings.Steps must be at least 1, got {Steps}.");
        if (GradientSamples < 1) throw new ArgumentException($"AdviSettings.GradientSamples must be at least 1, got {GradientSamples}.");
        if (ElboSamples < 2) throw new ArgumentException($"AdviSettings.ElboSamples must be at least 2 (its standard error needs them), got {ElboSamples}.");
        if (ElboEvery < 1) throw new ArgumentException($"AdviSettings.ElboEvery must be at least 1, got {ElboEvery}.");
        if (!(Eta > 0) || double.IsInfinity(Eta)) throw new ArgumentException($"AdviSettings.Eta must be positive and finite, got {Eta}.");
        if (!(AverageFraction >= 0 && AverageFraction < 1)) throw new ArgumentException($"AdviSettings.AverageFraction must be in [0, 1), got {AverageFraction}.");
        if (InitialMean is { } m && m.Length != dimension)
            throw new ArgumentException($"AdviSettings.InitialMean has {m.Length} entries; the model has {dimension} unconstrained coordinates.");
    }
}
