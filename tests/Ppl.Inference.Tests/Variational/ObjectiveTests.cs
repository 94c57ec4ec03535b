using Ppl.Inference.Variational;
using Xunit;
using static TorchSharp.torch;
using T = Ppl.Distributions.Tensors;

namespace Ppl.Inference.Tests.Variational;

/// <summary>papers.md §2.6 tests 3 (optimum), 4 and 5 and the ordering facts of §2.4, on the conjugate model z ~ N(0,1), y ~ N(z,1).</summary>
public class ObjectiveTests
{
    private const double Y = 1.5;
    private static readonly double LogEvidence = -0.5 * Math.Log(2 * Math.PI * 2) - Y * Y / 4; // log N(y; 0, 2)

    private static readonly DynamicModel<Tensor, Unit> Conjugate = DynamicModel.Create<Tensor, Unit>("conjugate", (t, y) =>
    {
        var z = t.Sample("z", new T.Normal(tensor(0.0), tensor(1.0)));
        t.Observe("y", new T.Normal(z, tensor(1.0)), y);
        return Unit.Value;
    });

    /// <summary>A fixed, deliberately poor guide N(0, 1).</summary>
    private static readonly DynamicModel<Unit, Unit> Poor = DynamicModel.Create("poor", t =>
    {
        t.Sample("z", new T.Normal(tensor(0.0), tensor(1.0)));
        return Unit.Value;
    });

    /// <summary>A hierarchical guide: u ~ N(0, 1), z ~ N(0.3 + 0.5u, 0.8); marginal q(z) = N(0.3, 0.89).</summary>
    private static readonly DynamicModel<Unit, Unit> Hierarchical = DynamicModel.Create("hier", t =>
    {
        var u = t.Sample("u", new T.Normal(tensor(0.0), tensor(1.0)));
        t.Sample("z", new T.Normal(u.Times(0.5).Plus(0.3), tensor(0.8)));
        return Unit.Value;
    });

    private static (double Mean, double Se) Evaluate(Expectation e, int n, ulong seed)
    {
        set_num_threads(1);
        using var scope = NewDisposeScope();
        var vi = e; // value-only runs, vectorised over n particles; SE from a second-moment run
        var xs = new double[20];
        var rng = new Rng(seed);
        for (var i = 0; i < xs.Length; i++) xs[i] = vi.Value(rng, n / xs.Length);
        return GradientCheck.MeanSe(xs);
    }

    [Fact]
    public void Iwelbo_increases_with_n_and_stays_below_the_evidence()
    {
        var y = tensor(Y);
        var q = Vi.Guide(Poor, Unit.Value);
        var elbo = Evaluate(Objectives.Elbo(Conjugate, y, q), 200_000, 1);
        // Exact ELBO of N(0,1) against this model: −½(0 + 1) − ½((y − 0)² + 1) + 0 − log 2π ... + entropy, via the closed form.
        var exactElbo = -0.5 * 1 - 0.5 * (Y * Y + 1) + 0 - Math.Log(2 * Math.PI) + 0.5 * Math.Log(2 * Math.PI) + 0.5;
        Assert.InRange(elbo.Mean, exactElbo - 5 * elbo.Se - 1e-3, exactElbo + 5 * elbo.Se + 1e-3);
        var previous = elbo;
        foreach (var n in new[] { 2, 5, 10 })
        {
            var iw = Evaluate(Objectives.Iwelbo(Conjugate, y, q, n), 100_000, (ulong)n);
            Assert.True(iw.Mean > previous.Mean + 3 * Math.Max(iw.Se, previous.Se) || iw.Mean > previous.Mean, $"IWELBO_{n} {iw.Mean} not above {previous.Mean}");
            Assert.True(iw.Mean < LogEvidence, $"IWELBO_{n} {iw.Mean} above log p(y) {LogEvidence}");
            previous = iw;
        }
    }

    [Fact]
    public void Hvi_below_iwhvi_below_evidence_and_diwhvi_below_evidence()
    {
        var y = tensor(Y);
        var z = Selection.At("z");
        var hvi = Evaluate(Objectives.Hvi(Conjugate, y, Hierarchical, Unit.Value, z), 100_000, 3);
        var iwhvi = Evaluate(Objectives.Iwhvi(Conjugate, y, Hierarchical, Unit.Value, z, 10), 40_000, 4);
        var elboMarginal = ExactElbo(0.3, Math.Sqrt(0.89));
        Assert.True(hvi.Mean < iwhvi.Mean, $"HVI {hvi.Mean} not below IWHVI {iwhvi.Mean}");
        Assert.True(iwhvi.Mean < elboMarginal + 4 * iwhvi.Se, $"IWHVI {iwhvi.Mean} above the ELBO of the exact marginal {elboMarginal}");
        Assert.True(iwhvi.Mean < LogEvidence);
        var diwhvi = Evaluate(Objectives.Diwhvi(Conjugate, y, Hierarchical, Unit.Value, z, 5, 5), 40_000, 5);
        Assert.True(diwhvi.Mean < LogEvidence && diwhvi.Mean > iwhvi.Mean, $"DIWHVI {diwhvi.Mean}");
    }

    private static double ExactElbo(double m, double s) =>
        -0.5 * (m * m + s * s) - 0.5 * ((Y - m) * (Y - m) + s * s) + Math.Log(s) - Math.Log(2 * Math.PI) + 0.5 * Math.Log(2 * Math.PI * Math.E);

    // Test 5: marginal(q(x, u), x, sir(N)) with u ~ N(0,1), x | u ~ N(u, 1), so q(x) = N(0, 2).
    private static readonly DynamicModel<Unit, Unit> Joint = DynamicModel.Create("joint", t =>
    {
        var u = t.Sample("u", new T.Normal(tensor(0.0), tensor(1.0)));
        t.Sample("x", new T.Normal(u, tensor(1.0)));
        return Unit.Value;
    });

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Sp_marginal_is_unbiased_and_reciprocal_unbiased(int n)
    {
        set_num_threads(1);
        using var scope = NewDisposeScope();
        var marginal = Vi.Marginal(Joint, Unit.Value, Selection.At("x"), n);
        const int r = 200_000;
        const double x0 = 0.7;
        var qx0 = Math.Exp(-x0 * x0 / 4) / Math.Sqrt(4 * Math.PI);
        // estimate_logpdf: E[ŵ] = q(x).
        var w = new Expectation(vi => marginal.EstimateLogDensity(vi, ChoiceMap.Empty.Set("x", tensor(x0))).exp());
        var ws = Enumerable.Range(0, 20).Select(i => w.Value(new Rng((ulong)(100 + i)), r / 20) / qx0).ToArray();
        var (m1, se1) = GradientCheck.MeanSe(ws);
        Assert.True(Math.Abs(m1 - 1) < 4.5 * se1 + 1e-9, $"E[ŵ]/q(x) = {m1} ± {se1}");
        // random_weighted: E[q(x)/ŵ] = 1.
        var rw = new Expectation(vi =>
        {
            var (x, logw) = marginal.RandomWeighted(vi);
            var xv = (Tensor)x["x"];
            var logq = (-xv.Squared()).Over(4).Minus(0.5 * Math.Log(4 * Math.PI));
            return (logq - logw).exp();
        });
        var rs = Enumerable.Range(0, 20).Select(i => rw.Value(new Rng((ulong)(200 + i)), r / 20)).ToArray();
        var (m2, se2) = GradientCheck.MeanSe(rs);
        Assert.True(Math.Abs(m2 - 1) < 4.5 * se2 + 1e-9, $"E[q(x)/ŵ] = {m2} ± {se2}");
        if (n > 1)
        {
            // Negative control: E[1/ŵ] with all-fresh particles is not 1/q(x) (Jensen), so the pairing matters.
            var wrong = new Expectation(vi =>
            {
                var (x, _) = marginal.RandomWeighted(vi);
                var xv = (Tensor)x["x"];
                var logq = (-xv.Squared()).Over(4).Minus(0.5 * Math.Log(4 * Math.PI));
                return (logq - marginal.EstimateLogDensity(vi, x)).exp();
            });
            var ns = Enumerable.Range(0, 20).Select(i => wrong.Value(new Rng((ulong)(300 + i)), r / 20)).ToArray();
            var (m3, se3) = GradientCheck.MeanSe(ns);
            // Its tail is heavy (the SE is itself noisy), so require a clear excess rather than 4.5 SE.
            Assert.True(m3 - 1 > 2 * se3 && m3 > 1.5, $"fresh-particle reciprocal {m3} ± {se3} looked unbiased");
        }
    }

    // Test 3, optimum: q = N(m, s) trained by Adam reaches m = y/2, s² = 1/2, ELBO = log N(y; 0, 2).
    [Fact]
    public void Conjugate_elbo_optimum_is_reached()
    {
        set_num_threads(1);
        var guide = DynamicModel.Create("q", t =>
        {
            var m = t.Param("m", () => tensor(0.0));
            var logS = t.Param("log_s", () => tensor(0.0));
            t.Sample("z", new T.Normal(m, logS.exp()));
            return Unit.Value;
        });
        var y = tensor(Y);
        var objective = Objectives.Elbo(Conjugate, y, Vi.Guide(guide, Unit.Value));
        var result = Trainer.Maximize(objective, [guide.Parameters], new TrainOptions { Steps = 1500, LearningRate = 0.02, Particles = 64 }, new Rng(7));
        var m = guide.Parameters.All["m"].item<double>();
        var s2 = Math.Exp(2 * guide.Parameters.All["log_s"].item<double>());
        Assert.InRange(m, Y / 2 - 0.05, Y / 2 + 0.05);
        Assert.InRange(s2, 0.45, 0.55);
        var value = Evaluate(objective, 100_000, 9);
        Assert.InRange(value.Mean, LogEvidence - 0.01, LogEvidence + 1e-9 + 4 * value.Se);
        Assert.Equal(1500, result.Estimates.Count);
        Assert.True(result.Final() > result.Estimates.Take(50).Average());
    }
}
