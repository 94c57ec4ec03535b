using Ppl.Inference.Smc;
using Ppl.Distributions;

namespace Ppl.Inference.Tests.Smc;

/// <summary>The models of papers.md 1.6 and their exact answers.</summary>
internal static class SmcModels
{
    /// <summary>Sprinkler, "soft" variant: Z = 0.5026, P(rain | ·) = 0.108635.</summary>
    public static readonly DynamicModel<Unit, bool> Sprinkler = DynamicModel.Create<bool>("sprinkler", t =>
    {
        var rain = t.Sample("rain", new Bernoulli(0.3));
        if (rain) t.Factor(Math.Log(0.2));
        var sprinkler = t.Sample("sprinkler", new Bernoulli(rain ? 0.1 : 0.4));
        if (sprinkler) t.Factor(Math.Log(0.1));
        return rain;
    });

    /// <summary>x, y ~ U{0,1}, factor x, factor y, return x + y: posterior δ₂, Z = 0.25.</summary>
    public static readonly DynamicModel<Unit, int> TwoSync = DynamicModel.Create<int>("two-sync", t =>
    {
        var x = t.Sample("x", new DiscreteUniform(0, 1));
        t.Factor(Math.Log(x));
        var y = t.Sample("y", new DiscreteUniform(0, 1));
        t.Factor(Math.Log(y));
        return x + y;
    });

    /// <summary>
    /// The 1-D linear-Gaussian state-space model: x₀ ~ N(0, 1), xₜ = a·xₜ₋₁ + N(0, 1), yₜ ~ N(xₜ, 0.5²) for t = 1..T
    /// (x₀ itself is not observed). Returns x_T.
    /// </summary>
    public static DynamicModel<double[], double> Lgssm(double a = 0.9) => DynamicModel.Create<double[], double>("lgssm", (t, ys) =>
    {
        var x = t.Sample(new Address("x", 0), new Normal(0, 1));
        for (var i = 0; i < ys.Length; i++)
        {
            x = t.Sample(new Address("x", i + 1), new Normal(a * x, 1));
            t.Observe(new Address("y", i + 1), new Normal(x, 0.5), ys[i]);
        }
        return x;
    });

    /// <summary>Data simulated from the model with a fixed seed.</summary>
    public static double[] SimulateLgssm(int steps, int seed, double a = 0.9)
    {
        var rng = new Rng(seed);
        var x = rng.NextGaussian();
        var ys = new double[steps];
        for (var i = 0; i < steps; i++)
        {
            x = a * x + rng.NextGaussian();
            ys[i] = x + 0.5 * rng.NextGaussian();
        }
        return ys;
    }

    /// <summary>Exact log p(y₁..y_T) and the filtering mean and variance of x_T, by the Kalman filter.</summary>
    public static (double LogEvidence, double Mean, double Variance) Kalman(double[] ys, double a = 0.9) => ScalarKalman.Filter(ys, a);

    public static (double Mean, double Se) MeanAndSe(IReadOnlyList<double> xs)
    {
        var m = xs.Average();
        var sd = Math.Sqrt(xs.Sum(x => (x - m) * (x - m)) / (xs.Count - 1));
        return (m, sd / Math.Sqrt(xs.Count));
    }
}
