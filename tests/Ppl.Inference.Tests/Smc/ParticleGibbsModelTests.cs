using Ppl.Inference.Smc;
using Ppl.Inference.Tests.Mcmc;
using Ppl.Inference.Tests.Smc.Resumable;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc;

/// <summary>
/// Conditional SMC and particle Gibbs on [Model] methods: smoothing means of the LGSSM against the exact Gaussian
/// posterior (and the Kalman filter), the transition coefficient's grid posterior against the exact one and the
/// struct-based particle Gibbs.
/// </summary>
public class ParticleGibbsModelTests(ITestOutputHelper output)
{
    private static readonly double[] Data = SmcModels.SimulateLgssm(8, 4);

    /// <summary>
    /// The exact smoothing means E[xₜ | y₁..y_T] of the LGSSM (a = 0.9): the posterior of x₀..x_T is Gaussian with a
    /// tridiagonal precision (prior 1 on x₀, transitions (xₜ − a xₜ₋₁)², observations 4(yₜ − xₜ)²); solve it by the Thomas algorithm.
    /// </summary>
    private static double[] SmoothingMeans(double[] ys, double a = 0.9)
    {
        var n = ys.Length + 1;
        var diag = new double[n];
        var off = new double[n - 1];
        var b = new double[n];
        diag[0] = 1;
        for (var t = 1; t < n; t++)
        {
            diag[t - 1] += a * a;
            diag[t] += 1 + 4;
            off[t - 1] = -a;
            b[t] = 4 * ys[t - 1];
        }
        var c = new double[n];
        var d = new double[n];
        c[0] = n > 1 ? off[0] / diag[0] : 0;
        d[0] = b[0] / diag[0];
        for (var i = 1; i < n; i++)
        {
            var m = diag[i] - off[i - 1] * c[i - 1];
            c[i] = i < n - 1 ? off[i] / m : 0;
            d[i] = (b[i] - off[i - 1] * d[i - 1]) / m;
        }
        var x = new double[n];
        x[n - 1] = d[n - 1];
        for (var i = n - 2; i >= 0; i--) x[i] = d[i] - c[i] * x[i + 1];
        return x;
    }

    private static double[][] Chains(Func<Rng, double[]> chain, ulong seed, int count = 4)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, count).Select(_ => chain(rng.Split())).ToArray();
    }

    [Fact]
    public void The_exact_smoother_agrees_with_the_Kalman_filter_at_the_last_state()
    {
        var (_, mean, _) = SmcModels.Kalman(Data, 0.9);
        Assert.Equal(mean, SmoothingMeans(Data)[^1], 10);
    }

    [Fact]
    public void Conditional_smc_on_a_model_has_the_smoothing_means_and_unconditional_sweeps_do_not()
    {
        // N = 3 particles: conditional SMC is exact for any N ≥ 2, while the draw of an unconditional 3-particle filter
        // (the same sweep without the reference: the negative control) is biased. Late states mix well; without
        // ancestor sampling the early ones mix slowly when T ≫ N, so the check is on x_T and x_{T−1}.
        var exact = SmoothingMeans(Data);
        var model = ResumableModels.LgssmModel;
        var single = new RunOptions { MaxDegreeOfParallelism = 1 };
        var reference = ConditionalSmc.Initial(model, Data, ChoiceMap.Empty, 10, new Rng(1), single);
        Assert.Equal(Data.Length + 1, reference.Count);
        Assert.False(reference.Contains(new Address("y", 1)));
        double[][] Run(bool conditional)
        {
            var rng = new Rng(11);
            return Enumerable.Range(0, 4).Select(_ =>
            {
                var r = rng.Split();
                var current = reference;
                var draws = new double[2 * 500];
                for (var i = 0; i < 500; i++)
                {
                    current = conditional
                        ? ConditionalSmc.Run(model, Data, ChoiceMap.Empty, current, 3, r, single)
                        : ConditionalSmc.Initial(model, Data, ChoiceMap.Empty, 3, r, single);
                    draws[2 * i] = current.Get<double>(new Address("x", Data.Length));
                    draws[2 * i + 1] = current.Get<double>(new Address("x", Data.Length - 1));
                }
                return draws;
            }).ToArray();
        }
        var csmc = Run(conditional: true);
        var filter = Run(conditional: false);
        for (var lag = 0; lag < 2; lag++)
        {
            var t = Data.Length - lag;
            var good = MomentCheck.Of(csmc.Select(c => c.Where((_, j) => j % 2 == lag).ToArray()).ToArray(), exact[t], minEss: 150);
            var bad = MomentCheck.Of(filter.Select(c => c.Where((_, j) => j % 2 == lag).ToArray()).ToArray(), exact[t], minEss: 150);
            output.WriteLine($"E[x_{t}]: conditional SMC {good}; unconditional 3-particle draws (negative control) {bad}");
            Assert.True(Math.Abs(good.Z) <= 5, $"E[x_{t}]: {good}");
            if (lag == 0) Assert.True(Math.Abs(bad.Z) > 5, $"negative control passed: {bad}");
        }
    }
}
