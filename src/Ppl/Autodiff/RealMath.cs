using MathNet.Numerics;

namespace Ppl.Autodiff;

/// <summary>Differentiable elementary functions over <see cref="Real"/>.</summary>
public static partial class RealMath
{
    /// <summary>exp.</summary>
    public static Real Exp(Real x)
    {
        var e = Math.Exp(x.Value);
        return Real.Unary(e, x, e);
    }

    /// <summary>Natural logarithm.</summary>
    public static Real Log(Real x) => Real.Unary(Math.Log(x.Value), x, 1.0 / x.Value);

    /// <summary>log(1 + x), accurate near 0.</summary>
    public static Real Log1p(Real x) => Real.Unary(MathUtil.Log1p(x.Value), x, 1.0 / (1.0 + x.Value));

    /// <summary>Square root.</summary>
    public static Real Sqrt(Real x)
    {
        var s = Math.Sqrt(x.Value);
        return Real.Unary(s, x, 0.5 / s);
    }

    /// <summary>x².</summary>
    public static Real Square(Real x) => Real.Unary(x.Value * x.Value, x, 2.0 * x.Value);

    /// <summary>x to a constant power.</summary>
    public static Real Pow(Real x, double p)
    {
        var v = Math.Pow(x.Value, p);
        return Real.Unary(v, x, p * Math.Pow(x.Value, p - 1));
    }

    /// <summary>x^y for positive x.</summary>
    public static Real Pow(Real x, Real y)
    {
        var v = Math.Pow(x.Value, y.Value);
        return Real.Binary(v, x, y.Value * Math.Pow(x.Value, y.Value - 1), y, v * Math.Log(x.Value));
    }

    /// <summary>|x| (derivative sign(x), 0 at 0).</summary>
    public static Real Abs(Real x) => Real.Unary(Math.Abs(x.Value), x, Math.Sign(x.Value));

    /// <summary>Hyperbolic tangent.</summary>
    public static Real Tanh(Real x)
    {
        var t = Math.Tanh(x.Value);
        return Real.Unary(t, x, 1 - t * t);
    }

    /// <summary>The logistic function 1 / (1 + e⁻ˣ).</summary>
    public static Real Logistic(Real x)
    {
        var s = MathUtil.Logistic(x.Value);
        return Real.Unary(s, x, s * (1 - s));
    }

    /// <summary>log(1 + eˣ), stable for large |x|.</summary>
    public static Real Softplus(Real x) => Real.Unary(MathUtil.SoftPlus(x.Value), x, MathUtil.Logistic(x.Value));

    /// <summary>log Γ(x) for x &gt; 0 (derivative: digamma).</summary>
    public static Real LogGamma(Real x) => Real.Unary(SpecialFunctions.GammaLn(x.Value), x, SpecialFunctions.DiGamma(x.Value));

    /// <summary>log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b).</summary>
    public static Real LogBeta(Real a, Real b)
    {
        var dab = SpecialFunctions.DiGamma(a.Value + b.Value);
        return Real.Binary(
            SpecialFunctions.GammaLn(a.Value) + SpecialFunctions.GammaLn(b.Value) - SpecialFunctions.GammaLn(a.Value + b.Value),
            a, SpecialFunctions.DiGamma(a.Value) - dab, b, SpecialFunctions.DiGamma(b.Value) - dab);
    }

    // ---- The modeler's special functions (Stan's names where Stan has them). Each has a double overload, so that a
    // [Model] method can call it on doubles and its differentiable form (which calls a function's Real overload for
    // random arguments) gets the Real one. Values are NaN outside the domain (never an exception: a leapfrog step
    // that leaves the domain is rejected by the sampler, not fatal); derivatives are analytic.

    /// <summary>log(1 + x), accurate near 0.</summary>
    public static double Log1p(double x) => MathUtil.Log1p(x);

    /// <summary>eˣ − 1, accurate near 0.</summary>
    public static double Expm1(double x) => MathUtil.Expm1(x);

    /// <summary>log(1 + eˣ) (Stan's <c>log1p_exp</c>; the same function as <see cref="Softplus(Real)"/>), stable for large |x|.</summary>
    public static Real Log1pExp(Real x) => Softplus(x);

    /// <summary>log(1 + eˣ), stable for large |x|.</summary>
    public static double Log1pExp(double x) => MathUtil.SoftPlus(x);

    /// <summary>log(1 + eˣ), stable for large |x|.</summary>
    public static double Softplus(double x) => MathUtil.SoftPlus(x);

    /// <summary>log(1 − eˣ) for x ≤ 0 (Stan's <c>log1m_exp</c>): derivative −1 / expm1(−x); NaN for x &gt; 0, −∞ at 0.</summary>
    public static Real Log1mExp(Real x) => Real.Unary(Log1mExp(x.Value), x, -1.0 / MathUtil.Expm1(-x.Value));

    /// <summary>log(1 − eˣ) for x ≤ 0; NaN for x &gt; 0.</summary>
    public static double Log1mExp(double x) => x > 0 ? double.NaN : MathUtil.Log1mExp(x);

    /// <summary>
    /// log(eᵃ − eᵇ) for a ≥ b (Stan's <c>log_diff_exp</c>), as a + log(1 − e^{b−a}): derivatives −1 / expm1(b − a)
    /// towards a and −1 / expm1(a − b) towards b. b = −∞ gives a (derivatives 1 and 0); a = b gives −∞; a &lt; b is NaN.
    /// </summary>
    public static Real LogDiffExp(Real a, Real b)
    {
        var av = a.Value;
        var bv = b.Value;
        if (double.IsNegativeInfinity(bv)) return Real.Unary(av, a, 1.0);
        if (!(av >= bv)) return double.NaN;
        var value = LogDiffExp(av, bv);
        if (!double.IsFinite(value)) return value; // a = b (−∞) or a = +∞: no derivative
        return Real.Binary(value, a, -1.0 / MathUtil.Expm1(bv - av), b, -1.0 / MathUtil.Expm1(av - bv));
    }

    /// <summary>log(eᵃ − eᵇ) for a ≥ b; NaN for a &lt; b.</summary>
    public static double LogDiffExp(double a, double b)
    {
        if (double.IsNegativeInfinity(b)) return a;
        if (!(a >= b)) return double.NaN;
        if (double.IsPositiveInfinity(a)) return double.IsPositiveInfinity(b) ? double.NaN : a;
        return a + MathUtil.Log1mExp(b - a);
    }

    /// <summary>log(eᵃ + eᵇ), stable: derivatives σ(a − b) and σ(b − a).</summary>
    public static Real LogSumExp(Real a, Real b)
    {
        var av = a.Value;
        var bv = b.Value;
        var value = MathUtil.LogAddExp(av, bv);
        if (double.IsNegativeInfinity(av)) return Real.Binary(value, a, 0.0, b, 1.0);
        if (double.IsNegativeInfinity(bv)) return Real.Binary(value, a, 1.0, b, 0.0);
        var wa = MathUtil.Logistic(av - bv);
        return Real.Binary(value, a, wa, b, MathUtil.Logistic(bv - av));
    }

    /// <summary>log(eᵃ + eᵇ), stable.</summary>
    public static double LogSumExp(double a, double b) => MathUtil.LogAddExp(a, b);

    /// <summary>
    /// log Σᵢ exp(xᵢ), stable, recorded as one fused operation: the partial towards xᵢ is softmax(x)ᵢ. −∞ for an empty
    /// span or when every term is −∞ (partials 0).
    /// </summary>
    public static Real LogSumExp(ReadOnlySpan<Real> xs)
    {
        var max = double.NegativeInfinity;
        foreach (var x in xs) if (x.Value > max || double.IsNaN(x.Value)) max = x.Value;
        if (double.IsNaN(max)) return double.NaN;
        Span<double> w = xs.Length <= 256 ? stackalloc double[xs.Length] : new double[xs.Length];
        if (double.IsInfinity(max))
        {
            w.Clear();
            return Real.FromPartials(max, xs, w);
        }
        double sum = 0;
        for (var i = 0; i < xs.Length; i++) sum += w[i] = Math.Exp(xs[i].Value - max);
        var inv = 1.0 / sum;
        for (var i = 0; i < w.Length; i++) w[i] *= inv;
        return Real.FromPartials(max + Math.Log(sum), xs, w);
    }

    /// <summary>log Σᵢ exp(xᵢ), stable; −∞ for an empty span.</summary>
    public static double LogSumExp(ReadOnlySpan<double> xs) => MathUtil.LogSumExp(xs);

    /// <summary>
    /// log(θ e^{λ₁} + (1 − θ) e^{λ₂}) (Stan's <c>log_mix</c>): the log density of a two-component mixture with weight θ
    /// on the component whose log density is λ₁. Partials e^{λ₁−m} − e^{λ₂−m} towards θ, θ e^{λ₁−m} and (1 − θ) e^{λ₂−m}
    /// towards λ₁ and λ₂ (m the value). NaN for θ outside [0, 1].
    /// </summary>
    public static Real LogMix(Real theta, Real lambda1, Real lambda2)
    {
        var t = theta.Value;
        var l1 = lambda1.Value;
        var l2 = lambda2.Value;
        var m = LogMix(t, l1, l2);
        if (!double.IsFinite(m)) return m;
        var e1 = Math.Exp(l1 - m);
        var e2 = Math.Exp(l2 - m);
        return Real.Ternary(m, theta, e1 - e2, lambda1, t * e1, lambda2, (1 - t) * e2);
    }

    /// <summary>log(θ e^{λ₁} + (1 − θ) e^{λ₂}); NaN for θ outside [0, 1].</summary>
    public static double LogMix(double theta, double lambda1, double lambda2)
    {
        if (!(theta >= 0 && theta <= 1)) return double.NaN;
        return MathUtil.LogAddExp(theta == 0 ? double.NegativeInfinity : Math.Log(theta) + lambda1,
            theta == 1 ? double.NegativeInfinity : MathUtil.Log1p(-theta) + lambda2);
    }

    /// <summary>
    /// log Σₖ θₖ e^{λₖ} (Stan's <c>log_mix</c> over vectors): the log density of a mixture with weights θ (a simplex;
    /// not renormalised) and component log densities λ, as one fused operation. Partials e^{λₖ−m} towards θₖ and
    /// θₖ e^{λₖ−m} towards λₖ. NaN when a weight is outside [0, 1].
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static Real LogMix(ReadOnlySpan<Real> theta, ReadOnlySpan<Real> lambda)
    {
        if (theta.Length != lambda.Length) throw new ArgumentException($"LogMix needs one weight per component; got {theta.Length} weights (theta) and {lambda.Length} log densities (lambda).");
        var n = theta.Length;
        var terms = n <= 128 ? stackalloc double[n] : new double[n];
        for (var k = 0; k < n; k++)
        {
            var t = theta[k].Value;
            if (!(t >= 0 && t <= 1)) return double.NaN;
            terms[k] = t == 0 ? double.NegativeInfinity : Math.Log(t) + lambda[k].Value;
        }
        var m = MathUtil.LogSumExp(terms);
        if (!double.IsFinite(m)) return m;
        var parents = new Real[2 * n];
        var partials = new double[2 * n];
        for (var k = 0; k < n; k++)
        {
            var e = Math.Exp(lambda[k].Value - m);
            parents[k] = theta[k];
            partials[k] = e;
            parents[n + k] = lambda[k];
            partials[n + k] = theta[k].Value * e;
        }
        return Real.FromPartials(m, parents, partials);
    }

    /// <summary>log Σₖ θₖ e^{λₖ}; NaN when a weight is outside [0, 1].</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static double LogMix(ReadOnlySpan<double> theta, ReadOnlySpan<double> lambda)
    {
        if (theta.Length != lambda.Length) throw new ArgumentException($"LogMix needs one weight per component; got {theta.Length} weights (theta) and {lambda.Length} log densities (lambda).");
        var terms = theta.Length <= 128 ? stackalloc double[theta.Length] : new double[theta.Length];
        for (var k = 0; k < theta.Length; k++)
        {
            if (!(theta[k] >= 0 && theta[k] <= 1)) return double.NaN;
            terms[k] = theta[k] == 0 ? double.NegativeInfinity : Math.Log(theta[k]) + lambda[k];
        }
        return MathUtil.LogSumExp(terms);
    }

    /// <summary>softmax(x)ᵢ = e^{xᵢ} / Σⱼ e^{xⱼ}, stable: ∂sᵢ/∂xⱼ = sᵢ(δᵢⱼ − sⱼ) (each output one fused operation).</summary>
    public static Real[] Softmax(ReadOnlySpan<Real> xs)
    {
        var s = Softmax(Values(xs));
        var result = new Real[s.Length];
        var partials = new double[s.Length];
        for (var i = 0; i < s.Length; i++)
        {
            for (var j = 0; j < s.Length; j++) partials[j] = -s[i] * s[j];
            partials[i] += s[i];
            result[i] = Real.FromPartials(s[i], xs, partials);
        }
        return result;
    }

    /// <summary>softmax(x)ᵢ = e^{xᵢ} / Σⱼ e^{xⱼ}, stable.</summary>
    public static double[] Softmax(ReadOnlySpan<double> xs)
    {
        var max = Max(xs);
        var s = new double[xs.Length];
        double sum = 0;
        for (var i = 0; i < s.Length; i++) sum += s[i] = Math.Exp(xs[i] - max);
        var inv = 1.0 / sum;
        for (var i = 0; i < s.Length; i++) s[i] *= inv;
        return s;
    }

    /// <summary>log softmax(x)ᵢ = xᵢ − log Σⱼ e^{xⱼ}: ∂/∂xⱼ = δᵢⱼ − softmax(x)ⱼ (each output one fused operation).</summary>
    public static Real[] LogSoftmax(ReadOnlySpan<Real> xs)
    {
        var ls = LogSoftmax(Values(xs));
        var s = new double[ls.Length];
        for (var j = 0; j < s.Length; j++) s[j] = Math.Exp(ls[j]);
        var result = new Real[ls.Length];
        var partials = new double[ls.Length];
        for (var i = 0; i < ls.Length; i++)
        {
            for (var j = 0; j < s.Length; j++) partials[j] = -s[j];
            partials[i] += 1.0;
            result[i] = Real.FromPartials(ls[i], xs, partials);
        }
        return result;
    }

    /// <summary>log softmax(x)ᵢ = xᵢ − log Σⱼ e^{xⱼ}.</summary>
    public static double[] LogSoftmax(ReadOnlySpan<double> xs)
    {
        var max = Max(xs);
        double sum = 0;
        foreach (var x in xs) sum += Math.Exp(x - max);
        var logSum = Math.Log(sum);
        var ls = new double[xs.Length];
        for (var i = 0; i < ls.Length; i++) ls[i] = xs[i] - max - logSum;
        return ls;
    }

    private static double Max(ReadOnlySpan<double> xs)
    {
        var max = double.NegativeInfinity;
        foreach (var x in xs) if (x > max || double.IsNaN(x)) max = x;
        return max;
    }

    /// <summary>log Γ(x) for x &gt; 0.</summary>
    public static double LogGamma(double x) => SpecialFunctions.GammaLn(x);

    /// <summary>The digamma function ψ(x) = d/dx log Γ(x) (derivative: the trigamma function).</summary>
    public static Real Digamma(Real x) => Real.Unary(SpecialFunctions.DiGamma(x.Value), x, SpecialMath.Trigamma(x.Value));

    /// <summary>The digamma function ψ(x) = d/dx log Γ(x).</summary>
    public static double Digamma(double x) => SpecialFunctions.DiGamma(x);

    /// <summary>The trigamma function ψ₁(x) = d²/dx² log Γ(x) (+∞ at 0, −1, −2, …).</summary>
    public static double Trigamma(double x) => SpecialMath.Trigamma(x);

    /// <summary>log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b).</summary>
    public static double LogBeta(double a, double b) => SpecialFunctions.GammaLn(a) + SpecialFunctions.GammaLn(b) - SpecialFunctions.GammaLn(a + b);

    /// <summary>log B(a, b) under Stan's name <c>lbeta</c> (the same function as <see cref="LogBeta(Real, Real)"/>).</summary>
    public static Real Lbeta(Real a, Real b) => LogBeta(a, b);

    /// <summary>log B(a, b) under Stan's name <c>lbeta</c>.</summary>
    public static double Lbeta(double a, double b) => LogBeta(a, b);

    private static double[] Values(ReadOnlySpan<Real> xs)
    {
        var v = new double[xs.Length];
        for (var i = 0; i < v.Length; i++) v[i] = xs[i].Value;
        return v;
    }

    /// <summary>Σⱼ wⱼ cⱼ with constant coefficients, recorded as one fused operation (about one tape node per two terms).</summary>
    public static Real Dot(ReadOnlySpan<Real> w, ReadOnlySpan<double> c)
    {
        if (w.Length != c.Length) throw new ArgumentException($"Dot needs spans of equal length; got {w.Length} and {c.Length}.");
        // Wide products go into one operation with the products before them that share the weights (a basis or design
        // row by row), whose adjoint rule is one pass over the rows.
        if (w.Length >= DotRowsOperation.MinWidth) return DotRowsOperation.Record(w, c);
        double acc = 0;
        for (var j = 0; j < w.Length; j++) acc += w[j].Value * c[j];
        // The partial towards wⱼ is cⱼ itself.
        return Real.FromPartials(acc, w, c);
    }

    /// <summary>
    /// Σⱼ dataⱼ weightsⱼ over doubles: what a <c>[Model]</c> writes (e.g. a basis row times weights); its differentiable
    /// form calls the <see cref="Dot(double[], Real[])"/> overload when the weights are random, one operation instead of
    /// two tape nodes per term.
    /// </summary>
    public static double Dot(double[] data, double[] weights)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(weights);
        if (data.Length != weights.Length) throw new ArgumentException($"Dot needs arrays of equal length; got {data.Length} and {weights.Length}.");
        return RealDensity.Dot(data, weights);
    }

    /// <summary>Σⱼ dataⱼ weightsⱼ with the weights on the tape, as one fused operation.</summary>
    public static Real Dot(double[] data, Real[] weights)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(weights);
        return Dot(weights, data);
    }

    /// <summary>
    /// a + b·c as one node with three parents (the differentiable form writes a model's <c>a + b * c</c> so): the same
    /// double arithmetic as the expression, the product rounded and then the sum, and half its tape nodes.
    /// </summary>
    /// <param name="a">The addend.</param>
    /// <param name="b">The first factor.</param>
    /// <param name="c">The second factor.</param>
    public static Real AddMul(Real a, Real b, Real c) => Real.Ternary(a.Value + b.Value * c.Value, a, 1.0, b, c.Value, c, b.Value);

    /// <summary>
    /// <see cref="AddMul(Real, Real, Real)"/> whose node is shared: the same three tape values give the node recorded
    /// before (<see cref="Tape.PushShared"/>), so a location per row built from one coefficient per group
    /// (<c>mu + tau * z[group[i]]</c>, where the differentiable form writes this) records a node per group. The lookup
    /// costs a few nanoseconds, wasted where no two calls share their operands.
    /// </summary>
    /// <param name="a">The addend.</param>
    /// <param name="b">The first factor.</param>
    /// <param name="c">The second factor.</param>
    public static Real AddMulShared(Real a, Real b, Real c) => Real.TernaryShared(1, a.Value + b.Value * c.Value, a, 1.0, b, c.Value, c, b.Value);

    /// <summary>a + b·c over doubles, as the expression computes it.</summary>
    /// <param name="a">The addend.</param>
    /// <param name="b">The first factor.</param>
    /// <param name="c">The second factor.</param>
    public static double AddMul(double a, double b, double c) => a + b * c;

    /// <summary>a + b·c over doubles, as the expression computes it (nothing to share).</summary>
    /// <param name="a">The addend.</param>
    /// <param name="b">The first factor.</param>
    /// <param name="c">The second factor.</param>
    public static double AddMulShared(double a, double b, double c) => a + b * c;

    /// <summary>b·c + a as one node with three parents; see <see cref="AddMul(Real, Real, Real)"/>.</summary>
    /// <param name="b">The first factor.</param>
    /// <param name="c">The second factor.</param>
    /// <param name="a">The addend.</param>
    public static Real MulAdd(Real b, Real c, Real a) => Real.Ternary(b.Value * c.Value + a.Value, b, c.Value, c, b.Value, a, 1.0);

    /// <summary><see cref="MulAdd(Real, Real, Real)"/> whose node is shared, as <see cref="AddMulShared(Real, Real, Real)"/>.</summary>
    /// <param name="b">The first factor.</param>
    /// <param name="c">The second factor.</param>
    /// <param name="a">The addend.</param>
    public static Real MulAddShared(Real b, Real c, Real a) => Real.TernaryShared(2, b.Value * c.Value + a.Value, b, c.Value, c, b.Value, a, 1.0);

    /// <summary>b·c + a over doubles, as the expression computes it.</summary>
    /// <param name="b">The first factor.</param>
    /// <param name="c">The second factor.</param>
    /// <param name="a">The addend.</param>
    public static double MulAdd(double b, double c, double a) => b * c + a;

    /// <summary>b·c + a over doubles, as the expression computes it (nothing to share).</summary>
    /// <param name="b">The first factor.</param>
    /// <param name="c">The second factor.</param>
    /// <param name="a">The addend.</param>
    public static double MulAddShared(double b, double c, double a) => b * c + a;

    /// <summary>Sum of the terms, recorded as one fused operation (about one tape node per two terms).</summary>
    public static Real Sum(ReadOnlySpan<Real> xs)
    {
        double total = 0;
        foreach (var x in xs) total += x.Value;
        Span<double> ones = xs.Length <= 256 ? stackalloc double[xs.Length] : new double[xs.Length];
        ones.Fill(1.0);
        return Real.FromPartials(total, xs, ones);
    }

    // ---- Counterparts of System.Math, so that model code written with Math.F compiles over Real. ----
    // Each value is the one Math.F gives; the derivative is exact (a subgradient at kinks).

    private const double Ln10 = 2.30258509299404568402;
    private const double Ln2 = 0.69314718055994530942;

    /// <summary>Base-10 logarithm (<see cref="Math.Log10"/>).</summary>
    public static Real Log10(Real x) => Real.Unary(Math.Log10(x.Value), x, 1.0 / (x.Value * Ln10));

    /// <summary>Base-2 logarithm (<see cref="Math.Log2"/>).</summary>
    public static Real Log2(Real x) => Real.Unary(Math.Log2(x.Value), x, 1.0 / (x.Value * Ln2));

    /// <summary>Cube root (<see cref="Math.Cbrt"/>); the derivative 1 / (3 ∛x²) is infinite at 0.</summary>
    public static Real Cbrt(Real x)
    {
        var c = Math.Cbrt(x.Value);
        return Real.Unary(c, x, 1.0 / (3.0 * c * c));
    }

    /// <summary>eˣ − 1, accurate near 0 (derivative eˣ).</summary>
    public static Real Expm1(Real x) => Real.Unary(MathUtil.Expm1(x.Value), x, Math.Exp(x.Value));

    /// <summary>A constant base to a variable power: xʸ (derivative xʸ log x towards y).</summary>
    public static Real Pow(double x, Real y)
    {
        var v = Math.Pow(x, y.Value);
        return Real.Unary(v, y, v * Math.Log(x));
    }

    /// <summary>Sine.</summary>
    public static Real Sin(Real x) => Real.Unary(Math.Sin(x.Value), x, Math.Cos(x.Value));

    /// <summary>Cosine.</summary>
    public static Real Cos(Real x) => Real.Unary(Math.Cos(x.Value), x, -Math.Sin(x.Value));

    /// <summary>Tangent.</summary>
    public static Real Tan(Real x)
    {
        var t = Math.Tan(x.Value);
        return Real.Unary(t, x, 1.0 + t * t);
    }

    /// <summary>Arcsine (derivative 1 / √(1 − x²)).</summary>
    public static Real Asin(Real x) => Real.Unary(Math.Asin(x.Value), x, 1.0 / Math.Sqrt(1.0 - x.Value * x.Value));

    /// <summary>Arccosine (derivative −1 / √(1 − x²)).</summary>
    public static Real Acos(Real x) => Real.Unary(Math.Acos(x.Value), x, -1.0 / Math.Sqrt(1.0 - x.Value * x.Value));

    /// <summary>Arctangent (derivative 1 / (1 + x²)).</summary>
    public static Real Atan(Real x) => Real.Unary(Math.Atan(x.Value), x, 1.0 / (1.0 + x.Value * x.Value));

    /// <summary>The angle of the point (x, y) (<see cref="Math.Atan2"/>): derivatives x / r² towards y and −y / r² towards x.</summary>
    public static Real Atan2(Real y, Real x)
    {
        var r2 = x.Value * x.Value + y.Value * y.Value;
        return Real.Binary(Math.Atan2(y.Value, x.Value), y, x.Value / r2, x, -y.Value / r2);
    }

    /// <summary>Hyperbolic sine.</summary>
    public static Real Sinh(Real x) => Real.Unary(Math.Sinh(x.Value), x, Math.Cosh(x.Value));

    /// <summary>Hyperbolic cosine.</summary>
    public static Real Cosh(Real x) => Real.Unary(Math.Cosh(x.Value), x, Math.Sinh(x.Value));

    /// <summary>Inverse hyperbolic sine (derivative 1 / √(x² + 1)).</summary>
    public static Real Asinh(Real x) => Real.Unary(Math.Asinh(x.Value), x, 1.0 / Math.Sqrt(x.Value * x.Value + 1.0));

    /// <summary>Inverse hyperbolic cosine (derivative 1 / √(x² − 1)).</summary>
    public static Real Acosh(Real x) => Real.Unary(Math.Acosh(x.Value), x, 1.0 / Math.Sqrt(x.Value * x.Value - 1.0));

    /// <summary>Inverse hyperbolic tangent (derivative 1 / (1 − x²)).</summary>
    public static Real Atanh(Real x) => Real.Unary(Math.Atanh(x.Value), x, 1.0 / (1.0 - x.Value * x.Value));

    /// <summary>
    /// The larger operand, as <see cref="Math.Max(double, double)"/> chooses it (NaN wins, +0 beats −0): the
    /// result is that operand itself, so the derivative goes to it alone.
    /// </summary>
    public static Real Max(Real a, Real b)
    {
        if (double.IsNaN(a.Value)) return a;
        if (double.IsNaN(b.Value)) return b;
        if (a.Value > b.Value) return a;
        if (b.Value > a.Value) return b;
        return double.IsNegative(a.Value) ? b : a;
    }

    /// <summary>
    /// The smaller operand, as <see cref="Math.Min(double, double)"/> chooses it (NaN wins, −0 beats +0): the
    /// result is that operand itself, so the derivative goes to it alone.
    /// </summary>
    public static Real Min(Real a, Real b)
    {
        if (double.IsNaN(a.Value)) return a;
        if (double.IsNaN(b.Value)) return b;
        if (a.Value < b.Value) return a;
        if (b.Value < a.Value) return b;
        return double.IsNegative(a.Value) ? a : b;
    }

    /// <summary>
    /// <paramref name="x"/> limited to [<paramref name="lo"/>, <paramref name="hi"/>] as by
    /// <see cref="Math.Clamp(double, double, double)"/> (which throws when lo &gt; hi): x itself inside
    /// (derivative 1 towards x), the bound it passed outside (derivative 0 towards x, 1 towards that bound).
    /// </summary>
    public static Real Clamp(Real x, Real lo, Real hi)
    {
        _ = Math.Clamp(x.Value, lo.Value, hi.Value); // the argument check, with Math's exception
        if (x.Value < lo.Value) return lo;
        if (x.Value > hi.Value) return hi;
        return x;
    }

    /// <summary>The largest integer ≤ x, as a constant (its derivative is 0 almost everywhere).</summary>
    public static Real Floor(Real x) => Math.Floor(x.Value);

    /// <summary>The smallest integer ≥ x, as a constant (its derivative is 0 almost everywhere).</summary>
    public static Real Ceiling(Real x) => Math.Ceiling(x.Value);

    /// <summary>x rounded towards zero, as a constant (its derivative is 0 almost everywhere).</summary>
    public static Real Truncate(Real x) => Math.Truncate(x.Value);

    /// <summary>x rounded to the nearest integer (ties to even, as <see cref="Math.Round(double)"/>), as a constant.</summary>
    public static Real Round(Real x) => Math.Round(x.Value);

    /// <summary>x rounded to <paramref name="digits"/> fractional digits (as <see cref="Math.Round(double, int)"/>), as a constant.</summary>
    public static Real Round(Real x, int digits) => Math.Round(x.Value, digits);

    /// <summary>x rounded to an integer with the rule <paramref name="mode"/> (as <see cref="Math.Round(double, MidpointRounding)"/>), as a constant.</summary>
    public static Real Round(Real x, MidpointRounding mode) => Math.Round(x.Value, mode);

    /// <summary>x rounded to <paramref name="digits"/> fractional digits with the rule <paramref name="mode"/>, as a constant.</summary>
    public static Real Round(Real x, int digits, MidpointRounding mode) => Math.Round(x.Value, digits, mode);

    /// <summary>
    /// The sign of x as −1, 0 or 1. Like <see cref="Math.Sign(double)"/> it is an int (so code that stores it
    /// in an int still compiles; it converts to a constant <see cref="Real"/> where one is needed) and it
    /// throws <see cref="ArithmeticException"/> for NaN.
    /// </summary>
    public static int Sign(Real x) => Math.Sign(x.Value);
}
