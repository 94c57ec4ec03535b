using Xunit;
using Ppl.Distributions.Tensors;
using TorchSharp;
using static Ppl.Tests.Distributions.Tensors.TensorTestUtil;
using static TorchSharp.torch;
using MN = MathNet.Numerics.Distributions;
using S = Ppl.Distributions;

namespace Ppl.Tests.Distributions.Tensors;

/// <summary>LogProb of each scalar-event family against MathNet's log density, with values of shape [S] + batch broadcast against batch [B].</summary>
public class TensorLogProbTests
{
    private const int B = 4;
    private const int S = 6;

    public TensorLogProbTests() => Init();

    /// <summary>Checks the family on S×B values drawn from itself against a reference density (params of element b, value).</summary>
    private static void CheckAgainst(TensorDistribution d, Func<int, double, double> reference, Tensor? values = null)
    {
        var x = values ?? d.Sample(new Rng(11), [S]);
        Assert.Equal(new long[] { S, B }, x.shape);
        var lp = D(d.LogProb(x));
        var xs = D(x);
        Assert.Equal(S * B, lp.Length);
        for (var i = 0; i < lp.Length; i++)
            Close(reference(i % B, xs[i]), lp[i], 1e-9, 1e-9, $"{d.Family} elem {i} at x={xs[i]}");
        // The total agrees with the sum, as the tracer uses it.
        Close(lp.Sum(), d.LogDensity(x), 1e-9, 1e-9, $"{d.Family} LogDensity");
    }

    [Fact]
    public void ContinuousLocationScaleFamilies()
    {
        var r = new Rng(1);
        var mu = U(r, B, -2, 2);
        var sg = U(r, B, 0.3, 3);
        var nu = U(r, B, 0.5, 8);
        CheckAgainst(new Normal(T(mu), T(sg)), (b, x) => MN.Normal.PDFLn(mu[b], sg[b], x));
        CheckAgainst(new HalfNormal(T(sg)), (b, x) => Math.Log(2) + MN.Normal.PDFLn(0, sg[b], x));
        CheckAgainst(new LogNormal(T(mu), T(sg)), (b, x) => MN.LogNormal.PDFLn(mu[b], sg[b], x));
        CheckAgainst(new StudentT(T(nu), T(mu), T(sg)), (b, x) => MN.StudentT.PDFLn(mu[b], sg[b], nu[b], x));
        CheckAgainst(new Cauchy(T(mu), T(sg)), (b, x) => MN.Cauchy.PDFLn(mu[b], sg[b], x));
        CheckAgainst(new HalfCauchy(T(sg)), (b, x) => Math.Log(2) + MN.Cauchy.PDFLn(0, sg[b], x));
        CheckAgainst(new Laplace(T(mu), T(sg)), (b, x) => MN.Laplace.PDFLn(mu[b], sg[b], x));
        CheckAgainst(new Exponential(T(sg)), (b, x) => MN.Exponential.PDFLn(sg[b], x));
        CheckAgainst(new Uniform(T(mu), T(mu.Zip(sg, (m, s) => m + s).ToArray())), (b, x) => MN.ContinuousUniform.PDFLn(mu[b], mu[b] + sg[b], x));
    }

    [Fact]
    public void FamiliesWithAScalarCounterpartMatchItsLogDensity()
    {
        var r = new Rng(5);
        var mu = U(r, B, -2, 2);
        var sg = U(r, B, 0.3, 3);
        var nu = U(r, B, 0.5, 8);
        var alpha = U(r, B, -4, 4);
        var kappa = new[] { 0.05, 1.3, 25.0, 900.0 };   // 900 is past the scalar log I₀'s switch to its asymptotic series
        CheckAgainst(new HalfStudentT(T(nu), T(sg)), (b, x) => new S.HalfStudentT(nu[b], sg[b]).LogDensity(x));
        CheckAgainst(new SkewNormal(T(mu), T(sg), T(alpha)), (b, x) => new S.SkewNormal(mu[b], sg[b], alpha[b]).LogDensity(x));
        CheckAgainst(new VonMises(T(mu), T(kappa)), (b, x) => new S.VonMises(mu[b], kappa[b]).LogDensity(x));
        // Angles outside the window score by periodicity, as the scalar family does.
        CheckAgainst(new VonMises(T(mu), T(kappa)), (b, x) => new S.VonMises(mu[b], kappa[b]).LogDensity(x),
            T(U(r, S * B, -12, 12), [S, B]));
        // The skew-normal's log Φ(αz) far in both tails (z up to ±40 standard units).
        CheckAgainst(new SkewNormal(T(mu), T(sg), T(alpha)), (b, x) => new S.SkewNormal(mu[b], sg[b], alpha[b]).LogDensity(x),
            T(U(r, S * B, -40, 40), [S, B]));
        var lo = new[] { -3.0, 0.0, 2.0, 5.0 };
        var hi = new[] { 1.0, 0.0, 9.0, 6.0 };
        CheckAgainst(new DiscreteUniform(T(lo), T(hi)), (b, x) => new S.DiscreteUniform((int)lo[b], (int)hi[b]).LogDensity((int)x));
        var xs = T(U(r, S * B, -5, 5), [S, B]);
        CheckAgainst(new Flat([B]), (_, x) => default(S.Flat).LogDensity(x), xs);
        CheckAgainst(new HalfFlat([B]), (_, x) => default(S.HalfFlat).LogDensity(x), xs);
    }

    [Fact]
    public void TruncatedNormalMatchesTheScalarTruncation()
    {
        var inf = double.PositiveInfinity;
        // Two-sided, lower-only, upper-half, upper-only; then far-tail intervals on both sides and a narrow one.
        double[] mu = [0.3, -1.0, 0.5, 1.2], sg = [1.0, 2.0, 0.7, 0.4];
        double[] lo = [-0.5, -2.0, 2.0, -inf], hi = [0.8, inf, 3.5, 0.0];
        var d = new Truncated<Normal>(new Normal(T(mu), T(sg)), T(lo), T(hi));
        CheckAgainst(d, (b, x) => new Ppl.Distributions.Truncated<Ppl.Distributions.Normal>(new Ppl.Distributions.Normal(mu[b], sg[b]), lo[b], hi[b]).LogDensity(x));
        double[] lo2 = [8.0, -12.0, 35.0, -0.1], hi2 = [12.0, -8.0, 40.0, 0.1];
        var far = new Truncated<Normal>(new Normal(T(0.0), T(1.0)), T(lo2), T(hi2));
        Assert.Equal(new long[] { B }, far.BatchShape);
        var x = far.Sample(new Rng(13), [S]);
        // Draws stay inside their intervals, far tails included.
        var xs = D(x);
        for (var i = 0; i < xs.Length; i++) Assert.InRange(xs[i], lo2[i % B], hi2[i % B]);
        CheckAgainst(far, (b, v) => new Ppl.Distributions.Truncated<Ppl.Distributions.Normal>(new Ppl.Distributions.Normal(0, 1), lo2[b], hi2[b]).LogDensity(v), x);
        // The log CDF the truncation uses, against the scalar Normal's, tails included.
        var n = new Normal(T(0.3), T(1.7));
        var pts = new[] { -inf, -80.0, -30.0, -3.0, 0.0, 0.3, 4.0, 60.0, inf };
        var lc = D(n.LogCdf(T(pts)));
        var ls = D(n.LogCcdf(T(pts)));
        var sn = new Ppl.Distributions.Normal(0.3, 1.7);
        for (var i = 0; i < pts.Length; i++)
        {
            Close(sn.LogCdf(pts[i]), lc[i], 1e-10, 1e-14, $"log CDF at {pts[i]}");
            Close(sn.LogCcdf(pts[i]), ls[i], 1e-10, 1e-14, $"log CCDF at {pts[i]}");
        }
        // And the quantiles invert them.
        var q = D(n.Icdf(T(1e-20, 0.3, 0.999)));
        Close(0.3 + 1.7 * MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.3), q[1], 1e-12, 1e-12, "icdf");
        Close(Math.Log(1e-20), sn.LogCdf(q[0]), 1e-9, 1e-9, "icdf far tail");
        Close(Math.Log(1e-20), sn.LogCcdf(D(n.Iccdf(T(1e-20)))[0]), 1e-9, 1e-9, "iccdf far tail");
    }

    [Fact]
    public void UnitVectorAndVonMisesFisherMatchTheScalarFamilies()
    {
        foreach (var n in new[] { 3, 4 })
        {
            var r = new Rng((ulong)(40 + n));
            // Two random unit mean directions, one of them e₁ (the Householder reflection's identity case).
            var raw = U(r, n, -1, 1);
            var norm = Math.Sqrt(raw.Sum(v => v * v));
            var mus = new[] { raw.Select(v => v / norm).ToArray(), Enumerable.Range(0, n).Select(i => i == 0 ? 1.0 : 0.0).ToArray() };
            double[] kappa = [3.7, 0.0];
            var kt = tensor(kappa, ScalarType.Float64).requires_grad_(true);
            var d = new VonMisesFisher(T(mus.SelectMany(v => v).ToArray(), [2, n]), kt);
            Assert.Equal(new long[] { 2 }, d.BatchShape);
            Assert.Equal(new long[] { n }, d.EventShape);
            var x = d.Sample(new Rng(7), [S]);
            Assert.Equal(new long[] { S, 2, n }, x.shape);
            var xs = D(x);
            var lp = d.LogProb(x);
            var lps = D(lp);
            for (var i = 0; i < 2 * S; i++)
            {
                var v = xs.Skip(n * i).Take(n).ToArray();
                Close(Math.Sqrt(v.Sum(t => t * t)), 1.0, 1e-12, 1e-12, "on the sphere");
                Close(new Ppl.Distributions.VonMisesFisher(mus[i % 2], kappa[i % 2]).LogDensity(v), lps[i], 1e-10, 1e-10, $"vMF n={n} elem {i}");
            }
            // d/dκ of the summed log density against central differences of the scalar one.
            lp.sum().backward();
            var g = D(kt.grad!);
            for (var b = 0; b < 2; b++)
            {
                const double h = 1e-6;
                double Sum(double k) => Enumerable.Range(0, S).Sum(s => new Ppl.Distributions.VonMisesFisher(mus[b], k).LogDensity(xs.Skip(n * (2 * s + b)).Take(n).ToArray()));
                var fd = b == 1 ? (Sum(h) - Sum(0)) / h : (Sum(kappa[b] + h) - Sum(kappa[b] - h)) / (2 * h);
                Close(fd, g[b], 1e-5, 1e-5, $"d/dkappa n={n} b={b}");
            }
            var uv = new UnitVector(n, [2], ScalarType.Float64);
            var ulp = D(uv.LogProb(x));
            Assert.All(ulp, v => Close(new Ppl.Distributions.UnitVector(n).LogDensity(Enumerable.Repeat(1 / Math.Sqrt(n), n).ToArray()), v, 1e-12, 1e-12, "uniform"));
            // Off the sphere both score −∞.
            var off = x.Times(1.01);
            Assert.All(D(d.LogProb(off)), v => Assert.True(double.IsNegativeInfinity(v)));
            Assert.All(D(uv.LogProb(off)), v => Assert.True(double.IsNegativeInfinity(v)));
        }
    }

    [Fact]
    public void TruncatedLaplaceCauchyAndExponentialMatchTheScalarTruncation()
    {
        var inf = double.PositiveInfinity;
        double[] loc = [0.3, -1.0, 0.5, 1.2], sc = [1.0, 2.0, 0.7, 0.4];
        double[] lo = [-0.5, -2.0, 2.0, -inf], hi = [0.8, inf, 30.0, 0.0];
        double[] elo = [0.0, 1.0, 0.2, 6.0], ehi = [2.0, inf, 0.3, 9.0];
        CheckAgainst(new Truncated<Laplace>(new Laplace(T(loc), T(sc)), T(lo), T(hi)),
            (b, x) => new Ppl.Distributions.Truncated<Ppl.Distributions.Laplace>(new Ppl.Distributions.Laplace(loc[b], sc[b]), lo[b], hi[b]).LogDensity(x));
        CheckAgainst(new Truncated<Cauchy>(new Cauchy(T(loc), T(sc)), T(lo), T(hi)),
            (b, x) => new Ppl.Distributions.Truncated<Ppl.Distributions.Cauchy>(new Ppl.Distributions.Cauchy(loc[b], sc[b]), lo[b], hi[b]).LogDensity(x));
        CheckAgainst(new Truncated<Exponential>(new Exponential(T(sc)), T(elo), T(ehi)),
            (b, x) => new Ppl.Distributions.Truncated<Ppl.Distributions.Exponential>(new Ppl.Distributions.Exponential(sc[b]), elo[b], ehi[b]).LogDensity(x));
        // Their log CDFs and survival functions against the scalar families', tails and ends included, and the quantiles back.
        var pts = new[] { -inf, -1e6, -40.0, -3.0, 0.0, 0.3, 4.0, 60.0, 1e6, inf };
        var cases = new (ITensorCdf T, Ppl.Distributions.IHasCdf S)[]
        {
            (new Laplace(T(0.3), T(1.7)), new Ppl.Distributions.Laplace(0.3, 1.7)),
            (new Cauchy(T(0.3), T(1.7)), new Ppl.Distributions.Cauchy(0.3, 1.7)),
            (new Exponential(T(1.7)), new Ppl.Distributions.Exponential(1.7)),
        };
        foreach (var (t, sd) in cases)
        {
            var lc = D(t.LogCdf(T(pts)));
            var ls = D(t.LogCcdf(T(pts)));
            for (var i = 0; i < pts.Length; i++)
            {
                Close(sd.LogCdf(pts[i]), lc[i], 1e-10, 1e-14, $"{sd.Family} log CDF at {pts[i]}");
                Close(sd.LogCcdf(pts[i]), ls[i], 1e-10, 1e-14, $"{sd.Family} log CCDF at {pts[i]}");
            }
            foreach (var pr in new[] { 1e-12, 0.2, 0.5, 0.9 })
            {
                Close(Math.Log(pr), sd.LogCdf(D(t.Icdf(T(pr)))[0]), 1e-9, 1e-12, $"{sd.Family} icdf({pr})");
                Close(Math.Log(pr), sd.LogCcdf(D(t.Iccdf(T(pr)))[0]), 1e-9, 1e-12, $"{sd.Family} iccdf({pr})");
            }
        }
    }

    [Fact]
    public void WishartAndInverseWishartMatchTheScalarFamilies()
    {
        double[][,] ls = [new double[,] { { 1.2, 0, 0 }, { 0.3, 0.8, 0 }, { -0.5, 0.4, 0.6 } }, new double[,] { { 0.7, 0, 0 }, { -0.2, 1.1, 0 }, { 0.1, 0.3, 0.9 } }];
        double[] nu = [2.5, 7.0];
        var d = new Wishart(T(nu), T(ls.SelectMany(m => m.Cast<double>()).ToArray(), [2, 3, 3]));
        Assert.Equal(new long[] { 3, 3 }, d.EventShape);
        var w = d.Sample(new Rng(17), [4]);
        Assert.Equal(new long[] { 4, 2, 3, 3 }, w.shape);
        var ws = D(w);
        var lp = D(d.LogProb(w));
        var iw = new InverseWishart(T(nu), T(ls.SelectMany(m => m.Cast<double>()).ToArray(), [2, 3, 3]));
        var iwSample = iw.Sample(new Rng(18), [4]);
        var iws = D(iwSample);
        var ilp = D(iw.LogProb(iwSample));
        double[,] At(double[] flat, int i)
        {
            var m = new double[3, 3];
            for (var r = 0; r < 3; r++) for (var c = 0; c < 3; c++) m[r, c] = flat[9 * i + 3 * r + c];
            return m;
        }
        for (var i = 0; i < 8; i++)
        {
            var b = i % 2;
            var sMat = new double[3, 3];
            for (var r = 0; r < 3; r++) for (var c = 0; c < 3; c++) for (var k = 0; k < 3; k++) sMat[r, c] += ls[b][r, k] * ls[b][c, k];
            Close(new Ppl.Distributions.Wishart(nu[b], sMat).LogDensity(At(ws, i)), lp[i], 1e-9, 1e-9, $"wishart {i}");
            Close(new Ppl.Distributions.InverseWishart(nu[b], sMat).LogDensity(At(iws, i)), ilp[i], 1e-9, 1e-9, $"inverse wishart {i}");
        }
        // Not symmetric, or not positive definite: −∞.
        var bad = T(new[] { 1.0, 0.5, 0, 0.4, 1.0, 0, 0, 0, 1.0, 1.0, 2.0, 0, 2.0, 1.0, 0, 0, 0, 1.0 }, [2, 3, 3]);
        Assert.All(D(d.LogProb(bad)), v => Assert.True(double.IsNegativeInfinity(v)));
        Assert.All(D(iw.LogProb(bad)), v => Assert.True(double.IsNegativeInfinity(v)));
        // The bijector is the scalar CovarianceBijector's map.
        var u = U(new Rng(3), 6, -1, 1);
        var bij = d.Bijector;
        var sb = new Ppl.Distributions.CovarianceBijector(3);
        var fw = D(bij.Forward(T(u)));
        var sf = sb.Forward(u);
        for (var k = 0; k < 9; k++) Close(sf[k / 3, k % 3], fw[k], 1e-12, 1e-12, "covariance forward");
        Close(sb.LogAbsDetJacobian(u), D(bij.LogAbsDetJacobian(T(u)))[0], 1e-12, 1e-12, "covariance log-Jacobian");
        var back = D(bij.Inverse(bij.Forward(T(u))));
        for (var k = 0; k < 6; k++) Close(u[k], back[k], 1e-9, 1e-9, "covariance inverse");
    }

    [Fact]
    public void GammaFamilies()
    {
        var r = new Rng(2);
        var a = U(r, B, 0.3, 6);
        var b2 = U(r, B, 0.3, 6);
        CheckAgainst(new Gamma(T(a), T(b2)), (b, x) => MN.Gamma.PDFLn(a[b], b2[b], x));
        CheckAgainst(new InverseGamma(T(a), T(b2)), (b, x) => MN.InverseGamma.PDFLn(a[b], b2[b], x));
        CheckAgainst(new Beta(T(a), T(b2)), (b, x) => MN.Beta.PDFLn(a[b], b2[b], x));
    }

    [Fact]
    public void DiscreteFamilies()
    {
        var r = new Rng(3);
        var p = U(r, B, 0.05, 0.95);
        var lam = U(r, B, 0.5, 10);
        var n = new double[] { 1, 5, 12, 30 };
        var tc = U(r, B, 0.5, 6);
        CheckAgainst(new Bernoulli(probs: T(p)), (b, x) => MN.Bernoulli.PMFLn(p[b], (int)x));
        CheckAgainst(new Bernoulli(logits: T(p.Select(q => Math.Log(q / (1 - q))).ToArray())), (b, x) => MN.Bernoulli.PMFLn(p[b], (int)x));
        CheckAgainst(new Binomial(T(n), probs: T(p)), (b, x) => MN.Binomial.PMFLn(p[b], (int)n[b], (int)x));
        CheckAgainst(new Binomial(T(n), logits: T(p.Select(q => Math.Log(q / (1 - q))).ToArray())), (b, x) => MN.Binomial.PMFLn(p[b], (int)n[b], (int)x));
        CheckAgainst(new Poisson(T(lam)), (b, x) => MN.Poisson.PMFLn(lam[b], (int)x));
        CheckAgainst(new NegativeBinomial(T(tc), probs: T(p)), (b, x) => MN.NegativeBinomial.PMFLn(tc[b], 1 - p[b], (int)x));
        CheckAgainst(new Geometric(T(p)), (b, x) => MN.Geometric.PMFLn(p[b], (int)x + 1));
    }

    [Fact]
    public void CategoricalFromProbsAndLogits()
    {
        var r = new Rng(4);
        var w = Enumerable.Range(0, B).Select(_ => U(r, 5, 0.1, 1)).Select(v => v.Select(x => x / v.Sum()).ToArray()).ToArray();
        var probs = T(w.SelectMany(v => v).ToArray(), [B, 5]);
        CheckAgainst(new Categorical(probs: probs), (b, x) => MN.Categorical.PMFLn(w[b], (int)x));
        CheckAgainst(new Categorical(logits: probs.log().Plus(3.0)), (b, x) => MN.Categorical.PMFLn(w[b], (int)x));
    }

    [Fact]
    public void BroadcastingValueAgainstBatchAndExpand()
    {
        var d = new Normal(T(0.0, 1.0, 2.0), T(1.0));
        Assert.Equal(new long[] { 3 }, d.BatchShape);
        // A single value broadcasts against the batch.
        var lp = D(d.LogProb(T(0.5)));
        for (var b = 0; b < 3; b++) Close(MN.Normal.PDFLn(b, 1, 0.5), lp[b], 1e-12, 1e-12, "broadcast");
        var e = d.Expand([2, 3]);
        Assert.Equal(new long[] { 2, 3 }, e.BatchShape);
        Assert.Equal(new long[] { 5, 2, 3 }, e.Sample(new Rng(1), [5]).shape);
        // float32 parameters give float32 draws and densities.
        var f = new Gamma(tensor(new float[] { 2f, 3f }), tensor(1f));
        Assert.Equal(ScalarType.Float32, f.Sample(new Rng(1)).dtype);
        Assert.Equal(ScalarType.Float32, f.LogProb(tensor(new float[] { 1f, 2f })).dtype);
        Close(MN.Gamma.PDFLn(3, 1, 2), D(f.LogProb(tensor(new float[] { 1f, 2f })))[1], 1e-5, 1e-5, "float32 gamma");
    }

    [Fact]
    public void DirichletAndMultinomial()
    {
        var alpha = new[] { 0.7, 2.0, 3.5 };
        var d = new Dirichlet(T(alpha, [1, 3]).expand(2, 3));
        var x = d.Sample(new Rng(5), [4]);
        var lp = D(d.LogProb(x));
        var xs = D(x);
        var mn = new MN.Dirichlet(alpha);
        for (var i = 0; i < 8; i++) Close(Math.Log(mn.Density(xs.Skip(3 * i).Take(3).ToArray())), lp[i], 1e-8, 1e-8, "dirichlet");

        var p = new[] { 0.2, 0.5, 0.3 };
        var m = new Multinomial(7, T(p));
        var c = m.Sample(new Rng(6), [5]);
        var cs = D(c);
        var mlp = D(m.LogProb(c));
        var ref_ = new MN.Multinomial(p, 7);
        for (var i = 0; i < 5; i++)
        {
            var k = cs.Skip(3 * i).Take(3).Select(v => (int)v).ToArray();
            Assert.Equal(7, k.Sum());
            Close(Math.Log(ref_.Probability(k)), mlp[i], 1e-9, 1e-9, "multinomial");
        }
    }

    private static double MvnLogPdf(double[] mu, double[,] l, double[] x)
    {
        var L = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(l);
        var cov = L * L.Transpose();
        var diff = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(x) - MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(mu);
        return -0.5 * diff.DotProduct(cov.Inverse() * diff) - 0.5 * Math.Log(cov.Determinant()) - 0.5 * mu.Length * Math.Log(2 * Math.PI);
    }

    [Fact]
    public void MvNormalAndGmm()
    {
        var mu = new double[,] { { 0.5, -1, 2 }, { -0.3, 0.2, 1 } };
        var l = new[] { new double[,] { { 1.2, 0, 0 }, { 0.3, 0.8, 0 }, { -0.5, 0.4, 0.6 } }, new double[,] { { 0.7, 0, 0 }, { -0.2, 1.1, 0 }, { 0.1, 0.3, 0.9 } } };
        var loc = T(mu.Cast<double>().ToArray(), [2, 3]);
        var tril = T(l.SelectMany(m => m.Cast<double>()).ToArray(), [2, 3, 3]);
        var d = new MvNormal(loc, tril);
        var x = d.Sample(new Rng(8), [5]);
        Assert.Equal(new long[] { 5, 2, 3 }, x.shape);
        var xs = D(x);
        var lp = D(d.LogProb(x));
        for (var i = 0; i < 10; i++)
        {
            var b = i % 2;
            Close(MvnLogPdf([mu[b, 0], mu[b, 1], mu[b, 2]], l[b], xs.Skip(3 * i).Take(3).ToArray()), lp[i], 1e-9, 1e-9, "mvn");
        }
        // Shared scale factor broadcasts against a batch of means.
        var shared = new MvNormal(loc, tril[0]);
        Assert.Equal(new long[] { 2 }, shared.BatchShape);

        var w = new[] { 0.3, 0.7 };
        var g = new Gmm(T(w), loc, tril);
        Assert.Equal(new long[] { 3 }, g.EventShape);
        var gx = g.Sample(new Rng(9), [6]);
        var gxs = D(gx);
        var glp = D(g.LogProb(gx));
        for (var i = 0; i < 6; i++)
        {
            var v = gxs.Skip(3 * i).Take(3).ToArray();
            var lse = MathNet.Numerics.SpecialFunctions.Logit(0.5) * 0 + Math.Log(
                w[0] * Math.Exp(MvnLogPdf([mu[0, 0], mu[0, 1], mu[0, 2]], l[0], v)) + w[1] * Math.Exp(MvnLogPdf([mu[1, 0], mu[1, 1], mu[1, 2]], l[1], v)));
            Close(lse, glp[i], 1e-9, 1e-9, "gmm");
        }
        // Moment matching keeps the mean and the total covariance.
        var mm = g.MomentMatch();
        var mean = D(mm.Mean);
        for (var j = 0; j < 3; j++) Close(w[0] * mu[0, j] + w[1] * mu[1, j], mean[j], 1e-12, 1e-12, "gmm mean");
        var cov = D(mm.Covariance);
        var gc = D(g.Covariance);
        for (var j = 0; j < 9; j++) Close(gc[j], cov[j], 1e-9, 1e-9, "gmm cov");
    }

    [Fact]
    public void MixtureOfNormalsMatchesHandWrittenLogSumExp()
    {
        var comps = new Normal(T(new[] { -1.0, 2.0, 0.5, 0.0, 1.0, 3.0 }, [2, 3]), T(new[] { 0.5, 1.0, 2.0, 1.0, 0.3, 0.7 }, [2, 3]));
        var w = new[] { 0.2, 0.5, 0.3 };
        var mix = new Mixture(new Categorical(probs: T(w)), comps);
        Assert.Equal(new long[] { 2 }, mix.BatchShape);
        var x = mix.Sample(new Rng(3), [4]);
        var xs = D(x);
        var lp = D(mix.LogProb(x));
        var m = D(comps.Mu);
        var s = D(comps.Sigma);
        for (var i = 0; i < 8; i++)
        {
            var b = i % 2;
            var p = Enumerable.Range(0, 3).Sum(k => w[k] * Math.Exp(MN.Normal.PDFLn(m[3 * b + k], s[3 * b + k], xs[i])));
            Close(Math.Log(p), lp[i], 1e-10, 1e-10, "mixture");
        }
    }

    [Fact]
    public void LkjCholeskyInTwoDimensionsIsAScaledBeta()
    {
        var eta = new[] { 0.5, 1.0, 3.0 };
        var d = new LkjCholesky(2, T(eta));
        var l = d.Sample(new Rng(4), [5]);
        Assert.Equal(new long[] { 5, 3, 2, 2 }, l.shape);
        var ls = D(l);
        var lp = D(d.LogProb(l));
        for (var i = 0; i < 15; i++)
        {
            var rr = ls[4 * i + 2];
            // The density over L's free entry r = L[1,0] is that of the correlation: Beta(η, η) on (−1, 1).
            Close(MN.Beta.PDFLn(eta[i % 3], eta[i % 3], (rr + 1) / 2) - Math.Log(2), lp[i], 1e-9, 1e-9, "lkj2");
        }
    }

    [Fact]
    public void LkjCholeskyNormalisesInThreeDimensions()
    {
        // Importance-sample the density through the bijector from a wide normal: ∫ p(L(u)) |J(u)| du = 1.
        var d = new LkjCholesky(3, T(2.0));
        var bij = d.Bijector;
        var rng = new Rng(12);
        const int n = 40000;
        var q = new Normal(T(0.0), T(1.5));
        var u = q.Expand([3]).Sample(rng, [n]);
        var logw = d.LogProb(bij.Forward(u)).Plus(bij.LogAbsDetJacobian(u)) - q.LogProb(u).sum(-1);
        var w = D(logw.exp());
        var mean = w.Average();
        var se = Math.Sqrt(w.Select(v => (v - mean) * (v - mean)).Sum() / (n - 1) / n);
        Assert.True(Math.Abs(mean - 1) < 5 * se + 1e-3, $"normaliser {mean} ± {se}");
    }

    [Fact]
    public void DeltaPutsAllMassOnItsPoint()
    {
        var d = new Delta(T(new[] { 1.0, 2.0, 3.0, 4.0 }, [2, 2]), eventDims: 1);
        Assert.Equal(new long[] { 2 }, d.BatchShape);
        var lp = D(d.LogProb(T(new[] { 1.0, 2.0, 3.0, 5.0 }, [2, 2])));
        Assert.Equal(0.0, lp[0]);
        Assert.True(double.IsNegativeInfinity(lp[1]));
        Assert.Equal(D(d.Value), D(d.Sample(new Rng(1))));
    }
}
