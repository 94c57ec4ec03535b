using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Mcmc.Differentiable;

/// <summary>
/// [Model] methods whose differentiable forms the tests check: against finite differences of <c>Assess</c>
/// plus the log-Jacobian, and by NUTS against exact posteriors.
/// </summary>
public static partial class DifferentiableModels
{
    /// <summary>Conjugate normal mean: μ ~ N(m0, s0), yᵢ ~ N(μ, σ) observed by constrained samples.</summary>
    [Model]
    public static double NormalMean(double[] ys, double m0, double s0, double sigma)
    {
        var mu = Sample(Normal(m0, s0));
        for (var i = 0; i < ys.Length; i++) _ = Sample(Normal(mu, sigma), "y", i);
        return mu;
    }

    /// <summary>Bayesian linear regression with known noise; observations in a loop, a local accumulator, an array of weights.</summary>
    [Model]
    public static double[] Regression(double[][] xs, double priorSd, double noiseSd)
    {
        var d = xs[0].Length;
        var w = new double[d];
        for (var j = 0; j < d; j++) w[j] = Sample(Normal(0, priorSd), "w", j);
        for (var i = 0; i < xs.Length; i++)
        {
            double mean = 0;
            for (var j = 0; j < d; j++) mean += xs[i][j] * w[j];
            Observe(Normal(mean, noiseSd), 0.0, "y", i);
        }
        return w;
    }

    /// <summary>
    /// The loop forms: a family drawn first in a loop with normal observations last in it (non-centred eight schools), a
    /// family with random parameters drawn alone, a family that is not normal (which keeps the loop), and observations
    /// with a random scale.
    /// </summary>
    [Model]
    public static double LoopFamilies(double[] y, double[] sigma)
    {
        var mu = Sample(Normal(0, 5));
        var tau = Sample(HalfCauchy(5));
        for (var j = 0; j < y.Length; j++)
        {
            var eta = Sample(Normal(0, 1), "eta", j);
            Observe(Normal(mu + tau * eta, sigma[j]), y[j], "y", j);
        }
        var s = Sample(HalfNormal(1));
        var z = new double[y.Length];
        for (var k = 0; k < z.Length; k++) z[k] = Sample(Normal(mu, tau), "z", k);
        var h = new double[y.Length];
        for (var k = 0; k < h.Length; k++) h[k] = Sample(HalfNormal(s), "h", k);
        for (var k = 0; k < y.Length; k++) Observe(Normal(z[k], s + h[k]), y[k], "w", k);
        return mu;
    }

    /// <summary>A hierarchy's location per row gathered by group (<c>mu + tau * z[group[i]]</c>), observed as one vector.</summary>
#pragma warning disable PPL0011 // A vector observation has no batched form; this model is for the differentiable form.
    [Model]
    public static double Gathered(int groups, int[] group, double[] y)
    {
        var mu = Sample(Normal(0, 5));
        var tau = Sample(HalfNormal(5));
        var z = new double[groups];
        for (var k = 0; k < groups; k++) z[k] = Sample(Normal(0, 1), "z", k);
        var location = new double[y.Length];
        for (var i = 0; i < y.Length; i++) location[i] = mu + tau * z[group[i]];
        Observe(IndependentNormal(location, 3), y, "y");
        return mu;
    }
#pragma warning restore PPL0011

    /// <summary>Every continuous family, parameters depending on other choices, Math functions, a branch on a random value and on data.</summary>
    [Model]
    public static double Families(double[] data, bool flag)
    {
        var a = Sample(Normal(0.3, 1.5));
        var s = Sample(HalfNormal(2));
        var ln = Sample(LogNormal(a * 0.2, 0.5 + s * 0.1));
        var t = Sample(StudentT(3 + s, a, 1.2));
        var c = Sample(Cauchy(a, s + 0.5));
        var hc = Sample(HalfCauchy(1 + 0.1 * Math.Abs(a)));
        var lap = Sample(Laplace(a, 0.7));
        var e = Sample(Exponential(1 / (1 + s)));
        var g = Sample(Gamma(2 + s, 1.5));
        var ig = Sample(InverseGamma(3, 1 + e));
        var b = Sample(Beta(1 + s, 2));
        var u = Sample(Uniform(-1 - s, 2 + Math.Exp(a)));
        double m = Math.Sqrt(ln) + Math.Log(g) - Math.Pow(b, 1.5) + Math.Tanh(t) * Math.Sin(c) + Math.Max(lap, 0.1);
        if (u > 0) m += (double)hc * 0.1;
        else m -= ig * 0.05;
        if (flag) m = m * 0.5;
        for (var i = 0; i < data.Length; i++) Observe(Normal(m + i * 0.1, 1 + 0.2 * e), data[i], "y", i);
        Factor(-0.5 * u * u);
        return m;
    }

    /// <summary>GARCH(1,1)-style support that depends on another choice: β ~ Uniform(0, 1 − α).</summary>
    [Model]
    public static double Garch(double[] r, double sigma1)
    {
        var mu = Sample(Normal(0, 10));
        var alpha0 = Sample(HalfNormal(1));
        var alpha1 = Sample(Uniform(0, 1));
        var beta1 = Sample(Uniform(0, 1 - alpha1));
        var sigma = sigma1;
        for (var t = 0; t < r.Length; t++)
        {
            if (t > 0) sigma = Math.Sqrt(alpha0 + alpha1 * Math.Pow(r[t - 1] - mu, 2) + beta1 * sigma * sigma);
            Observe(Normal(mu, sigma), r[t], "r", t);
        }
        return beta1;
    }

    /// <summary>A discrete choice held fixed (Gibbs moves it), a Bernoulli observation whose probability is random.</summary>
    [Model]
    public static double Switch(double y)
    {
        var p = Sample(Beta(2, 2));
        var z = Sample(Bernoulli(p));
        var mu = Sample(Normal(z ? 2.0 : -2.0, 1));
        Observe(Normal(mu, 1), y, "y");
        Observe(Bernoulli(p), true, "b");
        return mu;
    }

    /// <summary>The trace-kernel tests' conjugate model as a [Model]: mu ~ N(0, 1), y_i ~ N(mu, 1) for i &lt; n.</summary>
    [Model]
    public static double ConjugateNormal(int n)
    {
        var mu = Sample(Normal(0, 1));
        for (var i = 0; i < n; i++) _ = Sample(Normal(mu, 1), "y", i);
        return mu;
    }

    /// <summary>The trace-kernel tests' switch model as a [Model]: z ~ Bernoulli(0.3), mu ~ N(0, 1), y ~ N(mu + 2z, 1).</summary>
    [Model]
    public static bool ZMu()
    {
        var z = Sample(Bernoulli(0.3));
        var mu = Sample(Normal(0, 1));
        _ = Sample(Normal(mu + (z ? 2 : 0), 1), "y");
        return z;
    }

    /// <summary>SbcTests' non-centred hierarchical model (J = y.Length) with the likelihood scale the sampler assumes.</summary>
    [Model]
    public static double Hierarchical(double[] y, double sigma)
    {
        var mu = Sample(Normal(0, 1));
        var tau = Sample(HalfNormal(1));
        for (var j = 0; j < y.Length; j++)
        {
            var eta = Sample(Normal(0, 1), "eta", j);
            Observe(Normal(mu + tau * eta, sigma), y[j], "y", j);
        }
        return mu;
    }

    /// <summary>Non-centred eight schools reporting θⱼ = μ + τ ηⱼ as deterministic quantities.</summary>
    [Model]
    public static double EightSchools(double[] y, double[] sigma)
    {
        var mu = Sample(Normal(0, 5));
        var tau = Sample(HalfCauchy(5));
        for (var j = 0; j < y.Length; j++)
        {
            var eta = Sample(Normal(0, 1), "eta", j);
            var theta = Deterministic(mu + tau * eta, "theta", j);
            Observe(Normal(theta, sigma[j]), y[j], "y", j);
        }
        return Deterministic(tau * tau, "tau2");
    }

    /// <summary>
    /// Centred eight schools, θⱼ ~ N(μ, τ) sampled directly: a funnel in (log τ, θ). StepSizeAdaptationTests runs
    /// NUTS on a hand-written copy of this density and checks the copy against this form.
    /// </summary>
    [Model]
    public static double CentredEightSchools(double[] y, double[] sigma)
    {
        var mu = Sample(Normal(0, 5));
        var tau = Sample(HalfCauchy(5));
        for (var j = 0; j < y.Length; j++)
        {
            var theta = Sample(Normal(mu, tau), "theta", j);
            Observe(Normal(theta, sigma[j]), y[j], "y", j);
        }
        return mu;
    }

    /// <summary>A group of a hierarchical model, as a sub-model: a non-centred effect and its observations.</summary>
    [Model]
    public static double Group(double mu, double tau, double[] ys)
    {
        var eta = Sample(Normal(0, 1));
        var theta = mu + tau * eta;
        for (var i = 0; i < ys.Length; i++) Observe(Normal(theta, 1), ys[i], "y", i);
        return theta;
    }

    #pragma warning disable PPL0010, PPL0011 // sub-model calls on purpose (their gradients are what it tests); no resumable or batched form
    /// <summary>Two groups through sub-model calls with random arguments (their choices live under "a/…" and "b/…").</summary>
    [Model]
    public static double TwoGroups(double[] ya, double[] yb)
    {
        var mu = Sample(Normal(0, 5));
        var tau = Sample(HalfNormal(2));
        var a = Group(mu, tau, ya);
        var b = Group(mu, tau, yb);
        Factor(-0.1 * (a - b) * (a - b));
        return a + b;
    }
    #pragma warning restore PPL0010, PPL0011

    #pragma warning disable PPL0011 // helper methods with random arguments on purpose (lowered over Real for gradients); no batched form
    /// <summary>Helper methods called with random arguments: the generator lowers copies of them over Real.</summary>
    [Model]
    public static double WithHelper(double[] ys)
    {
        var x = Sample(Normal(0, 1));
        var s = Sample(HalfNormal(1));
        for (var i = 0; i < ys.Length; i++) Observe(Normal(Square(x) + Smooth(x, i), Scale(s)), ys[i], "y", i);
        return x;
    }
    #pragma warning restore PPL0011

    private static double Square(double x) => x * x;

    private static double Smooth(double x, int i)
    {
        var acc = 0.0;
        for (var k = 0; k <= i; k++) acc += Math.Sin(x * (k + 1)) / (k + 1);
        return acc;
    }

    private static double Scale(double s) => 0.5 + Math.Sqrt(s);

    #pragma warning disable PPL0011, PPL0012 // a delegate called with a random value on purpose (the finite-difference fallback is what it tests)
    /// <summary>A delegate called with a random argument: no differentiable form (PPL0012 names it).</summary>
    [Model]
    public static double WithDelegate()
    {
        var x = Sample(Normal(0, 1));
        Observe(Normal(Transform(x), 1), 1.0, "y");
        return x;
    }
    #pragma warning restore PPL0011, PPL0012

    private static readonly Func<double, double> Transform = v => v * v;
}
