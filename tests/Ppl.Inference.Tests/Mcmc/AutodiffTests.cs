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
}
