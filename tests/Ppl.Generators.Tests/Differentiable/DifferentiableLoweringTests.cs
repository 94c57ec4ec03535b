using Microsoft.CodeAnalysis;
using Xunit;

namespace Ppl.Generators.Tests.Differentiable;

/// <summary>
/// The differentiable form the generator emits (DifferentiableLowering): emitted and compiling without warnings
/// for the constructs it supports, PPL0012 naming the construct where it cannot, and never a build error.
/// (Its values and gradients are tested in Ppl.Inference.Tests/Mcmc/Differentiable against Assess.)
/// </summary>
public class DifferentiableLoweringTests
{
    private static string Source(GeneratorRunResult run) => string.Join("\n", run.GeneratedSources.Select(s => s.SourceText.ToString()));

    [Theory]
    [InlineData("var a = Sample(Normal(0, 1)); Func<double, double> sq = v => v * v; Observe(Normal(sq(a), 1), 1.0, \"y\"); return a;", "a call to 'Invoke' with a random argument",
        "var a = Sample(Normal(0, 1)); Observe(Normal(Sq(a), 1), 1.0, \"y\"); return a;")]
    [InlineData("var a = Sample(Normal(0, 1)); Observe(Normal(Fact(a), 1), 1.0, \"y\"); return a;", "the recursive helper 'Fact'",
        "var a = Sample(Normal(0, 1)); Observe(Normal(Sq(Sq(a)) + Fact(3), 1), 1.0, \"y\"); return a;")]
    [InlineData("var a = Sample(Normal(0, 1)); var l = new System.Collections.Generic.List<double>(); l.Add(a); return l[0];", "a call to 'Add' with a random argument",
        "var a = Sample(Normal(0, 1)); var l = new double[1]; l[0] = a; return l[0];")]
    [InlineData("var v = Sample(IndependentNormal(new[] { 0.0, 1.0 }, 1)); return v[0];", "a IndependentNormal choice",
        "var v = Sample(MvNormal(new[] { 0.0, 1.0 }, new double[,] { { 1, 0 }, { 0, 1 } })); return v[0];")]
    [InlineData("var a = Sample(Normal(0, 1)); var t = (a, 1.0); return t.Item1;", "tuple",
        "var a = Sample(Normal(0, 1)); var t = (x, 1.0); return t.Item1 + a;")]
    [InlineData("var a = Sample(Normal(0, 1)); var b = M(Sample(Normal(0, 1), \"c\")); return b;", "an effect inside the arguments of the call to the model",
        "var a = Sample(Normal(0, 1)); var b = M(a); return b;")]
    [InlineData("var a = Sample(Normal(0, 1)); s_last = a; return a;", "storing a random value",
        "var a = Sample(Normal(0, 1)); s_last = x; return a;")]
    public void AConstructWithoutADifferentiableFormIsNamed_AndTheSupportedVariantIsEmitted(string positive, string construct, string negative)
    {
        const string helpers = "\n static double Sq(double v) => v * v;\n static double Fact(double v) => v <= 1 ? 1 : v * Fact(v - 1);\n public static double s_last;";
        var (run, compile) = Harness.Run(Harness.Model(positive).Replace("\n }\n}\n", "\n }" + helpers + "\n}\n"));
        Assert.Null(run.Exception);
        var d = Assert.Single(run.Diagnostics, x => x.Id == "PPL0012");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity); // a performance diagnostic: shown by an ordinary build
        Assert.True(d.GetMessage().Contains(construct, StringComparison.Ordinal), d.GetMessage());
        Assert.DoesNotContain("DifferentiableForm { get; }", Source(run));
        Assert.Contains("throw new global::System.NotSupportedException(", Source(run));
        Assert.DoesNotContain(compile, x => x.Severity == DiagnosticSeverity.Error);

        var (ok, okCompile) = Harness.Run(Harness.Model(negative).Replace("\n }\n}\n", "\n }" + helpers + "\n}\n"));
        Assert.DoesNotContain(ok.Diagnostics, x => x.Id == "PPL0012");
        Assert.Contains("DifferentiableForm { get; }", Source(ok));
        Assert.DoesNotContain(okCompile, x => x.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public void HelpersAreLoweredOnce_AndARealOverloadIsCalledAsWritten()
    {
        var source = Harness.Usings + """
            public static partial class C
            {
                [Model] public static double M(double x)
                {
                    var a = Sample(Normal(0, 1));
                    var b = Sample(Normal(0, 1));
                    Observe(Normal(Poly(a, x) + Poly(b, 2.0) + Soft(a), 1), 1.0, "y");
                    return a;
                }
                static double Poly(double v, double c) { var r = 0.0; for (var i = 0; i < 3; i++) r = r * v + c; return Inner(r); }
                static double Inner(double r) => Math.Tanh(r) * 2;
                static double Soft(double v) => Math.Log(1 + Math.Exp(v));
                static Ppl.Autodiff.Real Soft(Ppl.Autodiff.Real v) => Ppl.Autodiff.RealMath.Softplus(v);
            }
            """;
        var (run, compile) = Harness.Run(source);
        Assert.DoesNotContain(run.Diagnostics, x => x.Id == "PPL0012" || x.Id == "PPL0009");
        var text = Source(run);
        Assert.Contains("DifferentiableForm { get; }", text);
        Assert.Equal(1, CountOf(text, "private static global::Ppl.Autodiff.Real __PplReal_Poly_"));
        Assert.Equal(1, CountOf(text, "private static global::Ppl.Autodiff.Real __PplReal_Inner_"));
        Assert.DoesNotContain("__PplReal_Soft", text);
        Assert.DoesNotContain(compile, x => x.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public void ALibraryFunctionWithRealArrayOverloadsIsCalledWithRandomArrays_AndDataArraysAreLifted()
    {
        // OdeSolver.Rk45States(RealOdeRhs, double[], double[], …) returns double[,]; its overload over Real takes Real[] and
        // returns Real[,]. θ holds random values (a Real[]), y0 and the user's data matrix are data (lifted to tape constants).
        var source = Harness.Usings + """
            using Ppl.Autodiff;
            public static partial class C
            {
                [Model] public static double M(double[] y0, double[] ts, double[] ys, double[,] w)
                {
                    var k = Sample(LogNormal(0, 0.5), "k");
                    var s = Sample(HalfNormal(1), "s");
                    double[] theta = [k, s];
                    var z = OdeSolver.Rk45States(Decay, y0, theta, 0, ts, new OdeOptions { RelativeTolerance = 1e-6 });
                    var m = Weigh(w, theta);
                    for (var i = 0; i < ts.Length; i++) Observe(Normal(Math.Log(z[i, 0]) + m[0, 0], 0.1), ys[i], "y", i);
                    return k;
                }
                static void Decay(Real t, ReadOnlySpan<Real> y, ReadOnlySpan<Real> th, Span<Real> dy) => dy[0] = -th[0] * y[0];
                static double[,] Weigh(double[,] w, double[] v) => new double[,] { { w[0, 0] * v[0] } };
                static Real[,] Weigh(Real[,] w, Real[] v) => new Real[,] { { w[0, 0] * v[0] } };
            }
            """;
        var (run, compile) = Harness.Run(source);
        Assert.Null(run.Exception);
        Assert.DoesNotContain(run.Diagnostics, x => x.Id == "PPL0012" || x.Id == "PPL0009");
        var text = Source(run);
        Assert.Contains("DifferentiableForm { get; }", text);
        Assert.Contains("global::Ppl.Autodiff.Real[] theta = [k, s]", text);
        Assert.Contains("global::Ppl.Autodiff.Real[,] z = OdeSolver.Rk45States(Decay, global::Ppl.Modeling.DifferentiableContext.Lift(y0), theta, 0, ts,", text);
        Assert.Contains("global::Ppl.Autodiff.Real[,] m = Weigh(global::Ppl.Modeling.DifferentiableContext.Lift(w), theta)", text);
        Assert.Contains("global::Ppl.Autodiff.RealMath.Log(z[i, 0])", text);
        Assert.DoesNotContain("__PplReal_Weigh", text);
        Assert.DoesNotContain(compile, x => x.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public void AnAddedProductWithARandomOperandIsOneNode_AndOtherArithmeticIsAsWritten()
    {
        var source = Harness.Usings + """
            public static partial class C
            {
                [Model] public static double M(double[] ys)
                {
                    var mu = Sample(Normal(0, 1), "mu");
                    var tau = Sample(HalfNormal(1), "tau");
                    for (var i = 0; i < ys.Length; i++)
                    {
                        var z = Sample(Normal(0, 1), "z", i);
                        Observe(Normal(mu + tau * z, 1), ys[i], "y", i);
                        Observe(Normal(tau * z + mu, 1), ys[i], "w", i);
                    }
                    var k = 2 + 3 * ys.Length;
                    var d = 1.0 + 2.0 * ys[0];
                    return mu + k + d;
                }
            }
            """;
        var (run, compile) = Harness.Run(source);
        Assert.Null(run.Exception);
        var text = Source(run);
        Assert.Contains("DifferentiableForm { get; }", text);
        Assert.Contains("global::Ppl.Autodiff.RealMath.AddMul(mu, tau, z)", text);
        Assert.Contains("global::Ppl.Autodiff.RealMath.MulAdd(tau, z, mu)", text);
        // Integer arithmetic, and double arithmetic on data alone, stay as written.
        Assert.Contains("var k = 2 + 3 * ys.Length;", text);
        Assert.Contains("var d = 1.0 + 2.0 * ys[0];", text);
        Assert.DoesNotContain(compile, x => x.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public void AProductAddedToARandomLocalIsOneNode_AndAnElementOrADifferenceIsAsWritten()
    {
        var source = Harness.Usings + """
            public static partial class C
            {
                [Model] public static double M(double[][] xs, double[] ys)
                {
                    var beta = new double[2];
                    for (var j = 0; j < 2; j++) beta[j] = Sample(Normal(0, 1), "beta", j);
                    var total = 0.0;
                    for (var i = 0; i < xs.Length; i++)
                    {
                        var eta = beta[0];
                        for (var j = 0; j < 2; j++) eta += xs[i][j] * beta[j];
                        beta[1] += xs[i][0] * beta[0];
                        eta -= xs[i][1] * beta[1];
                        total += eta;
                        Observe(Normal(eta, 1), ys[i], "y", i);
                    }
                    return total;
                }
            }
            """;
        var (run, compile) = Harness.Run(source);
        Assert.Null(run.Exception);
        Assert.DoesNotContain(run.Diagnostics, x => x.Id == "PPL0012");
        var text = Source(run);
        Assert.Contains("eta = global::Ppl.Autodiff.RealMath.AddMul(eta, xs[i][j], beta[j])", text);
        // An element would have its index evaluated twice, and a difference is not a fused add: both stay as written,
        // and so does a sum without a product.
        Assert.Contains("beta[1] += xs[i][0] * beta[0];", text);
        Assert.Contains("eta -= xs[i][1] * beta[1];", text);
        Assert.Contains("total += eta;", text);
        Assert.DoesNotContain(compile, x => x.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public void AGatherTheLoopDoesNotChangeIsHoisted_OneItChangesIsShared_AndOneIndexedByItsLoopIsNeither()
    {
        var source = Harness.Usings + """
            public static partial class C
            {
                [Model] public static double M(int groups, int[] group, double[] ys)
                {
                    var mu = Sample(Normal(0, 1), "mu");
                    var tau = Sample(HalfNormal(1), "tau");
                    var z = new double[groups];
                    for (var k = 0; k < groups; k++) z[k] = Sample(Normal(0, 1), "z", k);
                    for (var i = 0; i < ys.Length; i++)
                    {
                        Observe(Normal(mu + tau * z[group[i]], 1), ys[i], "y", i);
                        var g = group[i];
                        Observe(Normal(z[g] * tau + mu, 1), ys[i], "v", i);
                        var t = tau * i;
                        Observe(Normal(mu + t * z[g], 1), ys[i], "u", i);
                    }
                    for (var k = 0; k < groups; k++) Observe(Normal(mu + tau * z[k], 1), 0.0, "w", k);
                    return mu;
                }
            }
            """;
        var (run, compile) = Harness.Run(source);
        Assert.Null(run.Exception);
        var text = Source(run);
        // mu, tau and z are the same in every row: each gather is computed once per entry of z, before the loop.
        Assert.Contains("__pplGather0[__pplK] = global::Ppl.Autodiff.RealMath.AddMul(mu, tau, z[__pplK])", text);
        Assert.Contains("__pplGather1[__pplK] = global::Ppl.Autodiff.RealMath.MulAdd(z[__pplK], tau, mu)", text);
        Assert.Contains("Normal(__pplGather0[group[i]], 1)", text);
        Assert.Contains("Normal(__pplGather1[g], 1)", text);
        // t changes with the row: the shared form finds the rows that name the same nodes at run time. (The loop's last
        // observations are made after it, from arrays the loop fills.)
        Assert.Contains("__pplMu2[i] = global::Ppl.Autodiff.RealMath.AddMulShared(mu, t, z[g]);", text);
        Assert.Contains("__pplMu3[k] = global::Ppl.Autodiff.RealMath.AddMul(mu, tau, z[k]);", text);
        Assert.DoesNotContain(compile, x => x.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public void ALoopOfScalarObservationsOverAGatherReadsTheHoistedArray_AndIsMadeAfterTheLoop()
    {
        var body = """
            var mu = Sample(Normal(0, 5), "mu");
            var tau = Sample(HalfNormal(5), "tau");
            var z = new double[groups];
            for (var k = 0; k < groups; k++) z[k] = Sample(Normal(0, 1), "z", k);
            for (var i = 0; i < y.Length; i++) Observe(Normal(mu + tau * z[group[i]], 3), y[i], "y", i);
            return mu;
            """;
        var (run, compile) = Harness.Run(Harness.Model(body, "public static double M(int groups, int[] group, double[] y)"));
        Assert.Null(run.Exception);
        var text = Source(run);
        Assert.Contains("__pplGather0[__pplK] = global::Ppl.Autodiff.RealMath.AddMul(mu, tau, z[__pplK]);", text);
        Assert.Contains("for (var i = 0; i < y.Length; i++) { __pplMu1[i] = __pplGather0[group[i]]; __pplSigma1[i] = 3; __pplValue1[i] = y[i]; }", text);
        Assert.Contains("__dc.ObserveNormalFamily(\"y\", 0, y.Length, __pplMu1, __pplSigma1, __pplValue1);", text);
        Assert.DoesNotContain("Shared(", text);
        Assert.DoesNotContain(compile, x => x.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public void AFamilyDrawnFirstInALoopIsDrawnBeforeIt_AndTrailingNormalObservationsAreMadeAfterIt()
    {
        var source = Harness.Usings + """
            public static partial class C
            {
                [Model] public static double M(double[] y, double[] sigma)
                {
                    var mu = Sample(Normal(0, 5), "mu");
                    var tau = Sample(HalfCauchy(5), "tau");
                    for (var j = 0; j < y.Length; j++)
                    {
                        var eta = Sample(Normal(0, 1), "eta", j);
                        Observe(Normal(mu + tau * eta, sigma[j]), y[j], "y", j); // y/0, y/1, …
                    }
                    var z = new double[y.Length];
                    for (var k = 0; k < z.Length; k++) z[k] = Sample(Normal(mu, tau), "z", k);
                    return mu;
                }
            }
            """;
        var (run, compile) = Harness.Run(source);
        Assert.Null(run.Exception);
        var text = Source(run);
        Assert.Contains("__dc.SampleFamily(\"eta\", 0, y.Length, __pplFamily0, global::Ppl.Autodiff.RealDist.Normal(0, 1));", text);
        Assert.Contains("global::Ppl.Autodiff.Real eta = __pplFamily0[j];", text);
        Assert.Contains("__pplMu1[j] = global::Ppl.Autodiff.RealMath.AddMul(mu, tau, eta); __pplSigma1[j] = sigma[j]; __pplValue1[j] = y[j];", text);
        Assert.Contains("__dc.ObserveNormalFamily(\"y\", 0, y.Length, __pplMu1, __pplSigma1, __pplValue1);", text);
        // A loop that only draws the family is the call alone; the array comes from the context's pool.
        Assert.Contains("global::Ppl.Autodiff.Real[] z = __dc.NewArray(y.Length);", text);
        Assert.Contains("{ __dc.SampleFamily(\"z\", 0, z.Length, z, global::Ppl.Autodiff.RealDist.Normal(mu, tau)); }", text);
        var start = text.IndexOf("__MDifferentiable(", StringComparison.Ordinal);
        var form = text.Substring(start, text.IndexOf("\n    }", start, StringComparison.Ordinal) - start);
        Assert.DoesNotContain("for (var k", form);
        Assert.DoesNotContain(compile, x => x.Severity >= DiagnosticSeverity.Warning);
    }

    [Theory]
    [InlineData("for (var j = 0; j < y.Length; j++) { var eta = Sample(Normal(0, 1), \"eta\", j); if (eta > 5) break; Observe(Normal(eta, 1), y[j], \"y\", j); }", "a break")]
    [InlineData("for (var j = 0; j < y.Length; j++) { var eta = Sample(Normal(j, 1), \"eta\", j); Observe(Normal(eta, 1), y[j], \"y\", j); }", "a parameter that changes with the index")]
    [InlineData("var e = new double[y.Length]; for (var j = 0; j < y.Length; j++) { e[j] = Sample(Normal(0, 1), \"eta\", j); if (j > 0) Observe(Normal(e[j - 1], 1), y[j], \"y\", j); }", "a read at another index")]
    [InlineData("for (var j = 1; j < y.Length; j++) { var eta = Sample(Normal(0, 1), \"eta\", j); Observe(Normal(eta, 1), y[j], \"y\", j); }", "a loop that does not start at 0")]
    [InlineData("var n = y.Length; for (var j = 0; j < n; j++) { var eta = Sample(Normal(0, 1), \"eta\", j); n = n - 0; Observe(Normal(eta, 1), y[j], \"y\", j); }", "a bound the loop writes")]
    public void ALoopWhoseFamilyCouldSeeTheDifferenceKeepsItsSites(string loop, string why)
    {
        var (run, compile) = Harness.Run(Harness.Model(loop + " return 0;", "public static double M(double[] y)"));
        Assert.Null(run.Exception);
        var text = Source(run);
        Assert.False(text.Contains("SampleFamily(", StringComparison.Ordinal), why);
        Assert.DoesNotContain(compile, x => x.Severity >= DiagnosticSeverity.Warning);
    }

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }

    [Fact]
    public void TypicalBodiesLowerToReal_WithLocalsArraysLoopsBranchesAndMath()
    {
        var body = """
            var d = xs[0].Length;
            var w = new double[d];
            for (var j = 0; j < d; j++) w[j] = Sample(Normal(0, 2), "w", j);
            var s = Sample(HalfCauchy(1));
            var b = Sample(Uniform(0, 1 - Math.Exp(-s)));
            double total = 0;
            foreach (double wj in w) total += wj;
            for (var i = 0; i < xs.Length; i++)
            {
                double mean = 0;
                for (var j = 0; j < d; j++) mean += xs[i][j] * w[j];
                if (mean > 0) mean = Math.Log(1 + mean); else mean = -Math.Sqrt(-mean + 1e-9);
                var k = (int)Math.Floor(Math.Abs(mean)) + Math.Sign(mean);
                Observe(Normal(mean + k * 0.0 + (double)b, s), ys[i], "y", i);
            }
            Factor(-total * total);
            return w;
            """;
        var (run, compile) = Harness.Run(Harness.Model(body, "public static double[] M(double[][] xs, double[] ys)"));
        Assert.Null(run.Exception);
        Assert.DoesNotContain(run.Diagnostics, x => x.Id == "PPL0012" || x.Id == "PPL0009");
        var source = Source(run);
        Assert.Contains("__MDifferentiable", source);
        Assert.Contains("global::Ppl.Autodiff.Real[] w = __dc.NewArray(d)", source);
        Assert.Contains("global::Ppl.Autodiff.Real mean = 0", source);
        Assert.Contains("global::Ppl.Autodiff.RealMath.Log(", source);
        Assert.Contains("global::Ppl.Autodiff.RealDist.Uniform(0, 1 - global::Ppl.Autodiff.RealMath.Exp(-s))", source);
        Assert.DoesNotContain(compile, x => x.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public void VectorAndMatrixChoicesLowerToRealArrays_WithTheirParametersRandomOrData()
    {
        var body = """
            var p = Sample(Dirichlet(new[] { 1.0, 2.0, 3.0 }), "p");
            for (var i = 0; i < ys.Length; i++) Observe(Categorical(p), ys[i], "y", i);
            var alpha = new double[3];
            for (var k = 0; k < 3; k++) alpha[k] = Sample(Gamma(2, 1), "alpha", k);
            var q = Sample(Dirichlet(alpha), "q");
            Observe(Multinomial(5, q), new[] { 1, 3, 1 }, "counts");
            var L = Sample(LkjCholesky(3, 2.0), "L");
            var tau = Sample(HalfNormal(1), "tau");
            var f = new double[3, 3];
            for (var i = 0; i < 3; i++) for (var j = 0; j <= i; j++) f[i, j] = tau * L[i, j];
            var mu = new double[3];
            for (var k = 0; k < 3; k++) mu[k] = p[k] * x;
            var z = Sample(MvNormalCholesky(mu, f), "z");
            var w = Sample(MvNormal(new[] { 0.0, 0.0 }, new double[,] { { 1, 0.5 }, { 0.5, 1 } }), "w");
            Observe(MvNormal(z, new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }), new[] { 0.1, 0.2, 0.3 }, "obs");
            var c = Sample(Ordered(Normal(w[0], 1), 3), "c");
            var d = Sample(Ordered(Exponential(1), 2), "d");
            var v = Sample(MvNormal(new[] { z[0], 1.0 }, new double[,] { { 1, 0 }, { 0, 1 } }), "v");
            var cv = Sample(InverseWishart(4, new double[,] { { 1, 0 }, { 0, 1 } }), "cv");
            var u = Sample(MvNormal(v, cv), "u");
            return c[0] + d[1] + z[2] + L[2, 1] + v[1] + u[0];
            """;
        var (run, compile) = Harness.Run(Harness.Model(body, "public static double M(int[] ys, double x)"));
        Assert.Null(run.Exception);
        Assert.DoesNotContain(run.Diagnostics, x => x.Id == "PPL0012" || x.Id == "PPL0009");
        var source = Source(run);
        Assert.Contains("global::Ppl.Autodiff.Real[] p = __dc.SampleVector(", source);
        Assert.Contains("global::Ppl.Autodiff.Real[,] L = __dc.SampleMatrix(", source);
        Assert.Contains("global::Ppl.Autodiff.Real[,] cv = __dc.SampleMatrix(", source);
        Assert.Contains("global::Ppl.Autodiff.Real[,] f = new global::Ppl.Autodiff.Real[3, 3]", source);
        Assert.Contains("__dc.ObserveVector(", source);
        Assert.Contains("global::Ppl.Autodiff.RealDist.Ordered(Normal(w[0], 1), 3)", source);
        Assert.Contains("global::Ppl.Autodiff.RealDist.MvNormal(new global::Ppl.Autodiff.Real[] { z[0], 1.0 }", source);
        Assert.DoesNotContain(compile, x => x.Severity >= DiagnosticSeverity.Warning);
    }
}
