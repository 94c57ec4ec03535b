using MathNet.Numerics.Distributions;
using Ppl.Inference.Diagnostics;
using Ppl.Inference.Mcmc;
using Xunit;

namespace Ppl.Inference.Tests.Diagnostics;

/// <summary>
/// The diagnostics against a reference written here from the formulas of Vehtari et al. (2021) and Stan's
/// reference manual (§ "Effective sample size"), with the autocovariance by direct summation instead of
/// FFT, then simple cases with known answers and negative controls.
/// </summary>
public class DiagnosticsTests
{
    private static double[][] Ar1(int chains, int n, double phi, ulong seed, double[]? offsets = null)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, chains).Select(c =>
        {
            var x = new double[n];
            var prev = rng.NextGaussian() / Math.Sqrt(1 - phi * phi);
            for (var i = 0; i < n; i++) x[i] = prev = phi * prev + rng.NextGaussian();
            return x.Select(v => v + (offsets?[c] ?? 0)).ToArray();
        }).ToArray();
    }

    // ---- Reference implementation (independent of the library's code) ----

    private static double RefAcov(double[] x, int t)
    {
        var m = x.Average();
        double s = 0;
        for (var i = 0; i + t < x.Length; i++) s += (x[i] - m) * (x[i + t] - m);
        return s / x.Length;
    }

    private static double RefVar(IEnumerable<double> xs)
    {
        var a = xs.ToArray();
        var m = a.Average();
        return a.Sum(v => (v - m) * (v - m)) / (a.Length - 1);
    }

    private static double RefEss(double[][] chains)
    {
        int m = chains.Length, n = chains[0].Length;
        double W = chains.Average(c => RefAcov(c, 0)) * n / (n - 1.0);
        double varPlus = W * (n - 1.0) / n + (m > 1 ? RefVar(chains.Select(c => c.Average())) : 0);
        double Rho(int t) => 1 - (W - chains.Average(c => RefAcov(c, t))) / varPlus;
        // Pairs P_k = ρ_{2k} + ρ_{2k+1} while positive (Geyer's initial positive sequence) …
        var rho = new List<double> { 1, Rho(1) };
        var lastEven = 1.0;
        var k = 0;
        var lastPairPositive = true;
        while (2 * k < n - 5 && lastPairPositive)
        {
            k++;
            var e = Rho(2 * k);
            var o = Rho(2 * k + 1);
            lastEven = e;
            lastPairPositive = e + o > 0;
            if (e + o >= 0)
            {
                rho.Add(e);
                rho.Add(o);
            }
            else
            {
                rho.Add(0);
                rho.Add(0);
            }
        }
        var maxT = 2 * k;
        while (rho.Count < maxT + 2) rho.Add(0);
        if (lastEven > 0) rho[maxT] = lastEven;
        // … made monotone …
        for (var t = 2; t <= maxT - 2; t += 2)
            if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1])
                rho[t] = rho[t + 1] = (rho[t - 2] + rho[t - 1]) / 2;
        // … and Stan's truncated sum.
        var tau = -1 + 2 * rho.Take(maxT).Sum() + rho[maxT];
        var s = (double)m * n;
        return s / Math.Max(tau, 1 / Math.Log10(s));
    }

    private static double[][] RefSplit(double[][] x) =>
        x.SelectMany(c => new[] { c.Take(c.Length / 2).ToArray(), c.Skip((c.Length + 1) / 2).ToArray() }).ToArray();

    private static double[][] RefZ(double[][] x)
    {
        var all = x.SelectMany(c => c).ToArray();
        double Rank(double v) => all.Count(a => a < v) + (all.Count(a => a == v) + 1) / 2.0;
        return x.Select(c => c.Select(v => Normal.InvCDF(0, 1, (Rank(v) - 3.0 / 8) / (all.Length + 1.0 / 4))).ToArray()).ToArray();
    }

    private static double RefRhat(double[][] x)
    {
        var n = x[0].Length;
        var b = n * RefVar(x.Select(c => c.Average()));
        var w = x.Average(c => RefVar(c));
        return Math.Sqrt(((n - 1.0) / n * w + b / n) / w);
    }

    private static double RefQuantile(double[] xs, double p)
    {
        var s = xs.OrderBy(v => v).ToArray();
        var h = (s.Length - 1) * p;
        var lo = (int)h;
        return lo + 1 < s.Length ? s[lo] + (h - lo) * (s[lo + 1] - s[lo]) : s[lo];
    }

    // ---- Equality with the reference ----

    public static TheoryData<double, int> Cases => new() { { 0.0, 101 }, { 0.7, 200 }, { -0.5, 150 }, { 0.95, 120 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EssAndRhatEqualTheReferenceTo1e8(double phi, int n)
    {
        var x = Ar1(4, n, phi, 99, [0, 0.1, -0.2, 0.3]);
        void Same(double expected, double actual) => Assert.True(Math.Abs(expected - actual) <= 1e-8 * Math.Max(1, Math.Abs(expected)), $"{expected} vs {actual}");

        Same(RefEss(x), ConvergenceDiagnostics.EssBasic(x));
        Same(RefEss(RefZ(RefSplit(x))), ConvergenceDiagnostics.EssBulk(x));
        var all = x.SelectMany(c => c).ToArray();
        double Tail(double p)
        {
            var q = RefQuantile(all, p);
            return RefEss(RefSplit(x.Select(c => c.Select(v => v <= q ? 1.0 : 0.0).ToArray()).ToArray()));
        }
        Same(Math.Min(Tail(0.05), Tail(0.95)), ConvergenceDiagnostics.EssTail(x));
        var median = RefQuantile(all, 0.5);
        var folded = x.Select(c => c.Select(v => Math.Abs(v - median)).ToArray()).ToArray();
        Same(Math.Max(RefRhat(RefZ(RefSplit(x))), RefRhat(RefZ(RefSplit(folded)))), ConvergenceDiagnostics.Rhat(x));
        Same(Math.Sqrt(RefVar(all) / RefEss(RefSplit(x))), ConvergenceDiagnostics.McseMean(x));

        // MCSE of a quantile: order statistics at the ±1 sd points of Beta(ESS p + 1, ESS (1 − p) + 1).
        var ess05 = Tail(0.05);
        var sorted = all.OrderBy(v => v).ToArray();
        var lo = Beta.InvCDF(ess05 * 0.05 + 1, ess05 * 0.95 + 1, 0.1586553);
        var hi = Beta.InvCDF(ess05 * 0.05 + 1, ess05 * 0.95 + 1, 0.8413447);
        var expected = (sorted[Math.Min((int)Math.Ceiling(hi * sorted.Length), sorted.Length) - 1] - sorted[Math.Max((int)Math.Floor(lo * sorted.Length), 1) - 1]) / 2;
        Same(expected, ConvergenceDiagnostics.McseQuantile(x, 0.05));
    }

    [Fact]
    public void FftAutocovarianceEqualsDirectSummation()
    {
        var x = Ar1(1, 257, 0.6, 3)[0];
        var a = Autocovariance.Compute(x);
        for (var t = 0; t < x.Length; t++) Assert.Equal(RefAcov(x, t), a[t], 10);
    }

    // ---- Known cases and negative controls ----

    [Fact]
    public void IidDrawsGiveRhatNearOneAndEssNearN()
    {
        var x = Ar1(4, 1000, 0, 5);
        Assert.InRange(ConvergenceDiagnostics.Rhat(x), 0.995, 1.01);
        Assert.InRange(ConvergenceDiagnostics.EssBulk(x), 3400, 4600);
        Assert.InRange(ConvergenceDiagnostics.EssTail(x), 3000, 5000);
    }

    [Fact]
    public void Ar1EssMatchesTheoryAndChainsThatDisagreeGetLargeRhat()
    {
        // ESS of an AR(1) mean ≈ S (1 − φ)/(1 + φ).
        var x = Ar1(4, 2000, 0.8, 6);
        Assert.InRange(ConvergenceDiagnostics.EssBasic(x) / (8000.0 * 0.2 / 1.8), 0.8, 1.25);
        var shifted = Ar1(4, 500, 0, 7, [0, 0, 0, 1.5]);
        Assert.True(ConvergenceDiagnostics.Rhat(shifted) > 1.1);
        // Different scales, same location: only the folded (tail) R-hat sees it.
        var scaled = Ar1(4, 500, 0, 8).Select((c, i) => c.Select(v => v * (i == 3 ? 4 : 1)).ToArray()).ToArray();
        Assert.True(ConvergenceDiagnostics.Rhat(scaled) > 1.05);
        Assert.True(RefRhat(RefZ(RefSplit(scaled))) < ConvergenceDiagnostics.Rhat(scaled));
    }

    [Fact]
    public void ConstantDrawsGiveNaN()
    {
        var x = new[] { new double[] { 1, 1, 1, 1, 1, 1 }, new double[] { 1, 1, 1, 1, 1, 1 } };
        Assert.True(double.IsNaN(ConvergenceDiagnostics.EssBulk(x)));
        Assert.True(double.IsNaN(ConvergenceDiagnostics.Rhat(x)));
    }

    [Fact]
    public void SummaryTableAndCmdStanCsv()
    {
        var r = McmcSampler.Sample(Mcmc.TestDensities.Correlated, new NutsKernel(), new McmcSettings { Chains = 2, Warmup = 200, Draws = 300 }, new Rng(4),
            names: ["alpha", "beta[0]"]);
        var s = r.Summarize();
        var text = s.ToString();
        Assert.Contains("ess_bulk", text);
        Assert.Contains("beta[0]", text);
        Assert.Equal(r.Parameter("alpha").SelectMany(c => c).Average(), s["alpha"].Mean, 12);
        var w = new StringWriter();
        CmdStanCsv.Write(r, 0, w);
        var lines = w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines.First(l => !l.StartsWith('#'));
        Assert.Equal("lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,alpha,beta.1", header);
        Assert.Equal(300, lines.Count(l => !l.StartsWith('#')) - 1);
        Assert.Equal("theta.2.3", CmdStanCsv.StanName("theta[1,2]"));
    }
}
