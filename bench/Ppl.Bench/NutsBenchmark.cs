using System.Diagnostics;
using Ppl;
using Ppl.Autodiff;
using Ppl.Inference;
using Ppl.Inference.Mcmc;
using static Ppl.Autodiff.RealMath;

/// <summary>
/// NUTS (Stan's warm-up, diagonal metric, 4 chains, 1000 + 1000) on three models written over
/// <see cref="Real"/>: ESS per second = min bulk ESS over parameters / sampling wall time (warm-up
/// excluded). Also the cost of one eight-schools gradient against a hand-written analytic gradient.
/// </summary>
internal static class NutsBenchmark
{
    private static readonly double[] Y = [28, 8, -3, 7, -1, 1, 18, 12];
    private static readonly double[] Sigma = [15, 10, 16, 11, 9, 11, 10, 18];

    private static Real EightSchools(ReadOnlySpan<Real> x)
    {
        var mu = x[0];
        var tau = Exp(x[1]);
        var lp = RealDensity.Normal(mu, 0, 5) + RealDensity.HalfCauchy(tau, 5) + x[1];
        for (var j = 0; j < 8; j++)
            lp += RealDensity.Normal(x[2 + j], 0, 1) + RealDensity.Normal(Y[j], mu + tau * x[2 + j], Sigma[j]);
        return lp;
    }

    /// <summary>The same log density and gradient by hand, the baseline for the AD cost.</summary>
    private static double EightSchoolsByHand(ReadOnlySpan<double> x, Span<double> g)
    {
        var mu = x[0];
        var tau = Math.Exp(x[1]);
        var lp = -0.5 * mu * mu / 25 + Math.Log(2 * 5 / Math.PI) - Math.Log(25 + tau * tau) + x[1];
        g[0] = -mu / 25;
        var dtau = -2 * tau / (25 + tau * tau);
        g[1] = 1;
        for (var j = 0; j < 8; j++)
        {
            var t = x[2 + j];
            var r = (Y[j] - mu - tau * t) / Sigma[j];
            lp += -0.5 * t * t - 0.5 * r * r - Math.Log(Sigma[j]);
            var dr = r / Sigma[j];
            g[0] += dr;
            dtau += dr * t;
            g[2 + j] = -t + dr * tau;
        }
        g[1] += dtau * tau;
        return lp;
    }

    public static Dictionary<string, object> Run()
    {
        var figures = new Dictionary<string, object> { ["benchmark"] = "nuts" };
        var es = new AutodiffDensity(10, EightSchools);
        var x = Enumerable.Range(0, 10).Select(i => 0.1 * i - 0.3).ToArray();
        var g = new double[10];
        var adNs = TimeNs(() => es.LogDensityAndGradient(x, g));
        var handNs = TimeNs(() => EightSchoolsByHand(x, g));
        var valueNs = TimeNs(() => es.LogDensity(x));
        es.LogDensityAndGradient(x, g);
        Console.WriteLine($"eight schools tape: {Tape.Current.Count} nodes");
        Console.WriteLine($"eight schools value only (no tape): {valueNs:F0} ns");
        Console.WriteLine($"eight schools gradient: reverse-mode AD {adNs:F0} ns, hand-written {handNs:F0} ns ({adNs / handNs:F1}x)");
        figures["eight_schools_gradient_ns"] = Math.Round(adNs);
        figures["eight_schools_gradient_handwritten_ns"] = Math.Round(handNs);

        // Also the JIT warm-up of the sampler: without it the first model is timed on unoptimised code.
        {
            var k = new NutsKernel();
            var rr = new Rng(1);
            var st = k.Init(es, x, 1000, rr);
            for (var i = 0; i < 1000; i++) st = k.Step(es, st, rr);
            long lf = 0;
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < 4000; i++) { st = k.Step(es, st, rr); lf += st.Stats.LeapfrogSteps; }
            var perLeapfrog = sw.Elapsed.TotalMilliseconds * 1e6 / lf;
            Console.WriteLine($"eight schools NUTS: {perLeapfrog:F0} ns per leapfrog step (gradient included), {lf / 4000.0:F1} steps per transition");
            figures["eight_schools_nuts_ns_per_leapfrog"] = Math.Round(perLeapfrog);
        }
        var ess = new Dictionary<string, double>();
        ess["eight_schools"] = Measure("eight schools (non-centred, 10 parameters)", es);
        ess["logistic_regression"] = Measure("logistic regression (1000 x 10)", LogisticRegression());
        ess["hierarchical"] = Measure("hierarchical normal (100 parameters)", Hierarchical());
        figures["ess_per_second"] = ess;
        return figures;
    }

    private static double Measure(string label, IDifferentiableDensity density)
    {
        var settings = new McmcSettings { Chains = 4, Warmup = 1000, Draws = 1000 };
        var r = McmcSampler.Sample(density, new NutsKernel(), settings, new Rng(7), new RunOptions { MaxDegreeOfParallelism = 1 });
        var summary = r.Summarize();
        // Chains ran one after another, so the sampling time is the sum over chains: report per-core figures.
        var sampling = r.SamplingTime.TotalSeconds * r.Chains;
        var leapfrogs = r.Stats.Sum(c => c.Sum(s => (long)s.LeapfrogSteps));
        var perSecond = summary.MinEssBulk / sampling;
        Console.WriteLine($"{label}: min ess_bulk {summary.MinEssBulk:F0}, max r_hat {summary.MaxRhat:F3}, divergences {r.Divergences}, " +
                          $"sampling {sampling:F2} s (1 core), {leapfrogs / sampling / 1e3:F0}k gradients/s, ESS/s {perSecond:F0}");
        return Math.Round(perSecond, 1);
    }

    private static AutodiffDensity LogisticRegression()
    {
        const int n = 1000, d = 10;
        var rng = new Rng(3);
        var beta = Enumerable.Range(0, d).Select(_ => rng.NextGaussian() * 0.5).ToArray();
        var xs = new double[n][];
        var ys = new bool[n];
        for (var i = 0; i < n; i++)
        {
            xs[i] = Enumerable.Range(0, d).Select(_ => rng.NextGaussian()).ToArray();
            var eta = xs[i].Zip(beta, (a, b) => a * b).Sum();
            ys[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-eta));
        }
        return new AutodiffDensity(d + 1, w =>
        {
            var lp = RealDensity.Normal(w[0], 0, 2.5);
            for (var j = 1; j <= d; j++) lp += RealDensity.Normal(w[j], 0, 2.5);
            var coef = w[1..];
            for (var i = 0; i < n; i++) lp += RealDensity.BernoulliLogit(ys[i], w[0] + Dot(coef, xs[i]));
            return lp;
        });
    }

    private static AutodiffDensity Hierarchical()
    {
        // 98 groups, 5 observations each: mu, log tau, 98 non-centred effects = 100 parameters.
        const int groups = 98, per = 5;
        var rng = new Rng(5);
        var obs = new double[groups][];
        for (var k = 0; k < groups; k++)
        {
            var effect = 1 + 2 * rng.NextGaussian();
            obs[k] = Enumerable.Range(0, per).Select(_ => effect + 3 * rng.NextGaussian()).ToArray();
        }
        return new AutodiffDensity(groups + 2, x =>
        {
            var mu = x[0];
            var tau = Exp(x[1]);
            var lp = RealDensity.Normal(mu, 0, 5) + RealDensity.HalfNormal(tau, 5) + x[1];
            for (var k = 0; k < groups; k++)
            {
                var z = x[2 + k];
                var theta = mu + tau * z;
                lp += RealDensity.Normal(z, 0, 1);
                foreach (var y in obs[k]) lp += RealDensity.Normal(y, theta, 3);
            }
            return lp;
        });
    }

    private static double TimeNs(Func<double> f)
    {
        double sink = 0;
        for (var i = 0; i < 20000; i++) sink += f();
        var batches = new List<double>();
        for (var b = 0; b < 15; b++)
        {
            var sw = Stopwatch.StartNew();
            var calls = 0;
            while (sw.ElapsedMilliseconds < 40)
            {
                for (var i = 0; i < 1000; i++) sink += f();
                calls += 1000;
            }
            batches.Add(sw.Elapsed.TotalNanoseconds / calls);
        }
        if (double.IsNaN(sink)) Console.WriteLine("(NaN)");
        // The fastest batch: the machine may be shared, and interference only ever adds time.
        return batches.Min();
    }
}
