using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Ppl.Autodiff;
using Ppl.Distributions;
using Xunit;
using static Ppl.Autodiff.RealMath;

namespace Ppl.Inference.Tests.Mcmc;

public class AutodiffTests
{
    /// <summary>Reverse-mode gradient of f at x, and a central-difference gradient for comparison.</summary>
    private static (double[] Ad, double[] Fd) Gradients(Func<Real[], Real> f, double[] x)
    {
        var tape = Tape.Current;
        tape.Reset();
        var vars = x.Select(tape.Variable).ToArray();
        var y = f(vars);
        tape.Backward(y);
        var ad = vars.Select(tape.Adjoint).ToArray();
        var fd = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            double F(double v)
            {
                var c = (double[])x.Clone();
                c[i] = v;
                return f(c.Select(d => (Real)d).ToArray()).Value;
            }
            var h = 1e-5 * (1 + Math.Abs(x[i]));
            fd[i] = (F(x[i] + h) - F(x[i] - h)) / (2 * h);
        }
        return (ad, fd);
    }

    private static bool Close(double[] a, double[] b) =>
        a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= 1e-5 * (1 + Math.Abs(p.Second)));

    private static Arbitrary<double> Unit => Gen.Choose(-2000, 2000).Select(i => i / 1000.0).ToArbitrary();

    private static Arbitrary<double> Pos => Gen.Choose(100, 4000).Select(i => i / 1000.0).ToArbitrary();

    [Property(MaxTest = 50)]
    public Property ElementaryFunctionsMatchFiniteDifferences() =>
        Prop.ForAll(Unit, Unit, Pos, (a, b, c) =>
        {
            Real F(Real[] v) => Exp(v[0]) * v[1] + Log(v[2]) / v[2] + Log1p(v[2]) - Sqrt(v[2]) * Tanh(v[0]) + Logistic(v[1])
                                + Softplus(v[0] - v[1]) + Pow(v[2], 1.7) + Pow(v[2], v[0]) + LogGamma(v[2]) + Square(v[0] - 1) - v[0] / v[1];
            var (ad, fd) = Gradients(F, [a, b, c]);
            return Close(ad, fd);
        });

    [Property(MaxTest = 50)]
    public Property LogDensitiesMatchFiniteDifferences_AndTheDoubleFamilies() =>
        Prop.ForAll(Unit, Unit, Pos, (a, b, c) =>
        {
            var u = 1 / (1 + Math.Exp(-a));
            Real F(Real[] v) =>
                RealDensity.Normal(v[0], v[1], v[2]) + RealDensity.Cauchy(v[0], v[1], v[2]) + RealDensity.StudentT(v[0], 3.5, v[1], v[2])
                + RealDensity.HalfNormal(v[2], Exp(v[1])) + RealDensity.HalfCauchy(v[2], Exp(v[0])) + RealDensity.Exponential(v[2], Exp(v[1]))
                + RealDensity.Gamma(v[2], Exp(v[0]), Exp(v[1])) + RealDensity.LogNormal(v[2], v[0], Exp(v[1]))
                + RealDensity.Beta(Logistic(v[0]), Exp(v[1]), v[2]) + RealDensity.BernoulliLogit(true, v[0]) + RealDensity.BernoulliLogit(false, v[1])
                + RealDensity.PoissonLog(3, v[1]);
            var (ad, fd) = Gradients(F, [a, b, c]);
            var values = new[]
            {
                (RealDensity.Normal(a, b, c).Value, new Normal(b, c).LogDensity(a)),
                (RealDensity.Cauchy(a, b, c).Value, new Cauchy(b, c).LogDensity(a)),
                (RealDensity.StudentT(a, 3.5, b, c).Value, new StudentT(3.5, b, c).LogDensity(a)),
                (RealDensity.HalfNormal(c, Math.Exp(b)).Value, new HalfNormal(Math.Exp(b)).LogDensity(c)),
                (RealDensity.HalfCauchy(c, Math.Exp(a)).Value, new HalfCauchy(Math.Exp(a)).LogDensity(c)),
                (RealDensity.Exponential(c, Math.Exp(b)).Value, new Exponential(Math.Exp(b)).LogDensity(c)),
                (RealDensity.Gamma(c, Math.Exp(a), Math.Exp(b)).Value, new Gamma(Math.Exp(a), Math.Exp(b)).LogDensity(c)),
                (RealDensity.LogNormal(c, a, Math.Exp(b)).Value, new LogNormal(a, Math.Exp(b)).LogDensity(c)),
                (RealDensity.Beta(u, Math.Exp(b), c).Value, new Beta(Math.Exp(b), c).LogDensity(u)),
                (RealDensity.BernoulliLogit(true, a).Value, new Bernoulli(u).LogDensity(true)),
            };
            return Close(ad, fd) && values.All(v => Math.Abs(v.Item1 - v.Item2) < 1e-9 * (1 + Math.Abs(v.Item2)));
        });

    [Fact]
    public void DotProductAndConstantsRecordCorrectly()
    {
        var (ad, fd) = Gradients(v => Dot(v, [1.5, -2.0, 0.25]) * v[0] + 3.0, [0.3, -0.7, 1.1]);
        Assert.True(Close(ad, fd));
        // Negative control: the comparison notices a wrong derivative.
        Assert.False(Close(ad, [ad[0] + 1e-3, ad[1], ad[2]]));
    }

    [Fact]
    public void FromPartialsChainsAnyNumberOfParents()
    {
        // Σ cᵢ vᵢ² through FromPartials with 1 to 9 parents (one node, and chains of several), some constant.
        for (var k = 1; k <= 9; k++)
        {
            var x = Enumerable.Range(0, k).Select(i => 0.3 * i - 0.8).ToArray();
            Real F(Real[] v)
            {
                var parents = v.Select((r, i) => i == 2 ? (Real)7.0 : r).ToArray();
                var value = parents.Select((r, i) => (i + 1) * r.Value * r.Value).Sum();
                var partials = parents.Select((r, i) => 2.0 * (i + 1) * r.Value).ToArray();
                return Real.FromPartials(value, parents, partials) * 1.5;
            }
            var (ad, fd) = Gradients(F, x);
            Assert.True(Close(ad, fd), $"k = {k}: {string.Join(", ", ad)} vs {string.Join(", ", fd)}");
        }
        Assert.Throws<ArgumentException>(() => Real.FromPartials(0, [1.0, 2.0], [1.0]));
    }

    [Fact]
    public void FusedLikelihoodsEqualTheirTermByTermForms()
    {
        var rng = new Rng(4);
        const int n = 37, d = 4;
        var xs = Enumerable.Range(0, n * d).Select(_ => rng.NextGaussian()).ToArray();
        var ys = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.4 ? 1.0 : 0.0).ToArray();
        // The same predictors column by column, as the fused form takes them.
        var columns = Enumerable.Range(0, d).SelectMany(j => Enumerable.Range(0, n).Select(i => xs[i * d + j])).ToArray();
        var obs = Enumerable.Range(0, n).Select(_ => 2 * rng.NextGaussian()).ToArray();
        double[] at = [0.4, -1.3, 0.8, 2.1, -0.2, 0.9];
        double[] three = [0.5, -1.0, 2.0];
        double[] scales = [0.7, 1.3, 2.2];
        Real Fused(Real[] v)
        {
            Real[] means = [v[0] * v[1], v[2], v[3] + 1.0];
            return RealDensity.BernoulliLogitGlm(ys, columns, v[0], v.AsSpan(1, d)) + RealDensity.NormalSum(obs, v[1] * v[0], Exp(v[5]))
                   + RealDensity.StdNormal(v) + RealDensity.Normal(three, means, scales) + Sum([v[4], v[5] * v[5], 2.0, v[0]]);
        }
        Real TermByTerm(Real[] v)
        {
            Real lp = 0.0;
            for (var i = 0; i < n; i++)
                lp += RealDensity.BernoulliLogit(ys[i] == 1, v[0] + Dot(v.AsSpan(1, d), xs.AsSpan(i * d, d)))
                      + RealDensity.Normal(obs[i], v[1] * v[0], Exp(v[5]));
            foreach (var vi in v) lp += RealDensity.Normal(vi, 0, 1);
            lp += RealDensity.Normal(three[0], v[0] * v[1], scales[0]) + RealDensity.Normal(three[1], v[2], scales[1]) + RealDensity.Normal(three[2], v[3] + 1.0, scales[2]);
            return lp + v[4] + v[5] * v[5] + 2.0 + v[0];
        }
        var (adFused, fd) = Gradients(Fused, at);
        var (adTerms, _) = Gradients(TermByTerm, at);
        var valueFused = Fused(at.Select(a => (Real)a).ToArray()).Value;
        var valueTerms = TermByTerm(at.Select(a => (Real)a).ToArray()).Value;
        Assert.Equal(valueTerms, valueFused, 9);
        Assert.True(Close(adFused, fd));
        Assert.True(Close(adFused, adTerms));
        // Large |η|: the fused form stays finite where exp would overflow.
        Assert.True(double.IsFinite(RealDensity.BernoulliLogitGlm([1.0, 0.0, 1.0, 0.0, 1.0], [800.0, 800.0, -800.0, -800.0, 0.5], -1.0, [(Real)1.0]).Value));
        Assert.Throws<ArgumentException>(() => RealDensity.BernoulliLogitGlm(ys, columns.AsSpan(1), 0.0, [(Real)1.0, 1.0, 1.0, 1.0]));
    }
}
