using Ppl.Inference.Mcmc;

namespace Ppl.Inference.Variational;

/// <summary>
/// A fitted ADVI approximation: a Gaussian q(u) = N(μ, LLᵀ) on the model's unconstrained space, pushed through the
/// model's bijectors. Draws are reported on the constrained scale, named by address (deterministic quantities after).
/// </summary>
public sealed class AdviResult
{
    private readonly IModelDensity _density;

    internal AdviResult(IModelDensity density, double[] mean, double[,] cholesky, bool fullRank, IReadOnlyList<(int Step, double Elbo, double Se)> elbos, int steps)
    {
        _density = density;
        Mean = mean;
        Cholesky = cholesky;
        FullRank = fullRank;
        Elbos = elbos;
        Steps = steps;
        Names = [.. density.Addresses.Select(a => a.ToString()), .. density.DerivedAddresses.Select(a => a.ToString())];
    }

    /// <summary>The names of a draw's values: the continuous choices' addresses, then the deterministic quantities'.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>μ, the Gaussian's mean on the unconstrained scale.</summary>
    public double[] Mean { get; }

    /// <summary>L, the lower-triangular factor of its covariance (diagonal for the mean-field family).</summary>
    public double[,] Cholesky { get; }

    /// <summary>True for the full-rank family.</summary>
    public bool FullRank { get; }

    /// <summary>The ELBO estimates reported during the fit (each from <see cref="AdviSettings.ElboSamples"/> draws, with its standard error).</summary>
    public IReadOnlyList<(int Step, double Elbo, double Se)> Elbos { get; }

    /// <summary>The number of gradient steps taken (fewer than asked when cancelled).</summary>
    public int Steps { get; }

    /// <summary>The last ELBO estimate.</summary>
    public double Elbo => Elbos.Count > 0 ? Elbos[^1].Elbo : double.NaN;

    /// <summary>One draw u ~ q on the unconstrained scale.</summary>
    public double[] DrawUnconstrained(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var d = Mean.Length;
        var eps = new double[d];
        for (var i = 0; i < d; i++) eps[i] = rng.NextGaussian();
        var u = (double[])Mean.Clone();
        for (var i = 0; i < d; i++)
            for (var j = 0; j <= i; j++) u[i] += Cholesky[i, j] * eps[j];
        return u;
    }

    /// <summary><paramref name="count"/> draws from the approximation on the constrained scale, in <see cref="Names"/> order.</summary>
    public double[][] Draws(int count, Rng rng)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "At least one draw.");
        var draws = new double[count][];
        for (var k = 0; k < count; k++) draws[k] = _density.Report(DrawUnconstrained(rng));
        return draws;
    }

    /// <summary>
    /// <paramref name="count"/> draws as a one-chain <see cref="McmcResult"/>, so the summary, CSV export and plots of
    /// MCMC apply (independent draws: the ESS is about the number of draws).
    /// </summary>
    public McmcResult ToResult(int count, Rng rng)
    {
        var draws = Draws(count, rng);
        var stats = new TransitionStats[1][];
        stats[0] = new TransitionStats[count];
        var logDensities = new double[1][];
        logDensities[0] = new double[count];
        return new McmcResult(Names, [draws], stats, logDensities, TimeSpan.Zero, TimeSpan.Zero);
    }

    /// <summary><paramref name="count"/> independent draws from the fitted approximation as a <see cref="Posterior"/>.</summary>
    public Posterior ToPosterior(int count, Rng rng) => ToResult(count, rng).ToPosterior("ADVI");
}
