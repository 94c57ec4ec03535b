using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.Integration;
using Ppl.Autodiff;
using Xunit;
using static Ppl.Tests.Autodiff.Precise;

namespace Ppl.Tests.Autodiff;

/// <summary>
/// The regularised incomplete gamma and beta functions: values against tanh-sinh quadrature of their integrands (an
/// independent computation, not MathNet's continued fractions), every derivative against finite differences of that
/// quadrature, the edges of the domain, NaN outside it, and P + Q = 1 and monotonicity as properties.
/// </summary>
public class RealIncompleteTests
{
    // The integrands' t^(a−1) is singular at 0 for a < 1; with t = u^(1/a) (t^(a−1) dt = du/a) it is smooth:
    // P(a, x) = ∫₀^(x^a) e^(−u^(1/a)) du / Γ(a + 1), I_x(a, b) = ∫₀^(x^a) (1 − u^(1/a))^(b−1) du / (a B(a, b)).
    // Above the mode (x > a) the upper tail ∫ₓ^(x+200) t^(a−1) e^(−t) dt / Γ(a) is smooth and short: P = 1 − it.
    private static double GammaByQuadrature(double a, double x) =>
        x == 0 ? 0
        : x <= a ? DoubleExponentialTransformation.Integrate(u => Math.Exp(-Math.Pow(u, 1 / a) - MathNet.Numerics.SpecialFunctions.GammaLn(a + 1)), 0, Math.Pow(x, a), 1e-15)
        : 1 - DoubleExponentialTransformation.Integrate(t => Math.Exp((a - 1) * Math.Log(t) - t - MathNet.Numerics.SpecialFunctions.GammaLn(a)), x, x + 200, 1e-15);

    private static double BetaByQuadrature(double a, double b, double x) =>
        x == 0 ? 0 : DoubleExponentialTransformation.Integrate(u => Math.Exp((b - 1) * Math.Log(1 - Math.Pow(u, 1 / a)) - Math.Log(a) - MathNet.Numerics.SpecialFunctions.BetaLn(a, b)), 0, Math.Pow(x, a), 1e-15);

    [Fact]
    public void ClosedForms()
    {
        foreach (var x in new[] { 0.01, 0.3, 0.77, 0.999 })
        {
            Close(2 / Math.PI * Math.Asin(Math.Sqrt(x)), RealMath.IncBeta(0.5, 0.5, x), 1e-13, $"I_{x}(½, ½)");
            Close(1 - Math.Pow(1 - x, 2.7), RealMath.IncBeta(1.0, 2.7, x), 1e-13, $"I_{x}(1, 2.7)");
            Close(Math.Pow(x, 3.2), RealMath.IncBeta(3.2, 1.0, x), 1e-13, $"I_{x}(3.2, 1)");
        }
        foreach (var x in new[] { 1e-6, 0.5, 3.0, 40.0 })
        {
            Close(-RealMath.Expm1(-x), RealMath.GammaP(1.0, x), 1e-13, $"P(1, {x})");
            Close(Math.Exp(-x) * (1 + x), RealMath.GammaQ(2.0, x), 1e-13, $"Q(2, {x})");
        }
    }

    [Theory]
    [InlineData(0.4, 0.05)]
    [InlineData(0.4, 2.0)]
    [InlineData(1.0, 0.7)]
    [InlineData(2.5, 1.3)]
    [InlineData(7.0, 4.0)]
    [InlineData(7.0, 15.0)]
    public void IncompleteGammaMatchesQuadratureWithItsDerivatives(double a, double x)
    {
        var tape = Tape.Current;
        tape.Reset();
        var av = tape.Variable(a);
        var xv = tape.Variable(x);
        var p = RealMath.GammaP(av, xv);
        Close(GammaByQuadrature(a, x), p.Value, 1e-10, $"P({a}, {x})");
        tape.Backward(p);
        double[] point = [a, x];
        Close(Partial(q => GammaByQuadrature(q[0], q[1]), point, 0), tape.Adjoint(av), 1e-6, $"∂P/∂a at ({a}, {x})");
        // ∂P/∂x is the integrand itself; the finite difference of the quadrature checks it to the difference's accuracy.
        Close(Math.Pow(x, a - 1) * Math.Exp(-x) / MathNet.Numerics.SpecialFunctions.Gamma(a), tape.Adjoint(xv), 1e-12, $"∂P/∂x at ({a}, {x})");
        Close(Partial(q => GammaByQuadrature(q[0], q[1]), point, 1), tape.Adjoint(xv), 1e-6, $"∂P/∂x at ({a}, {x}) by differences");

        tape.Reset();
        av = tape.Variable(a);
        xv = tape.Variable(x);
        var q = RealMath.GammaQ(av, xv);
        Close(1 - GammaByQuadrature(a, x), q.Value, 1e-10, $"Q({a}, {x})");
        tape.Backward(q);
        Close(-Partial(v => GammaByQuadrature(v[0], v[1]), point, 0), tape.Adjoint(av), 1e-6, $"∂Q/∂a at ({a}, {x})");
        Close(-Math.Pow(x, a - 1) * Math.Exp(-x) / MathNet.Numerics.SpecialFunctions.Gamma(a), tape.Adjoint(xv), 1e-12, $"∂Q/∂x at ({a}, {x})");
        Assert.Equal(p.Value, RealMath.GammaP(a, x));
        Assert.Equal(q.Value, RealMath.GammaQ(a, x));
    }

    [Theory]
    [InlineData(0.5, 0.5, 0.1)]
    [InlineData(0.5, 3.0, 0.9)]
    [InlineData(2.0, 3.0, 0.4)]
    [InlineData(8.0, 1.5, 0.75)]
    [InlineData(1.0, 1.0, 0.3)]
    public void IncompleteBetaMatchesQuadratureWithItsDerivatives(double a, double b, double x)
    {
        var tape = Tape.Current;
        tape.Reset();
        var av = tape.Variable(a);
        var bv = tape.Variable(b);
        var xv = tape.Variable(x);
        var i = RealMath.IncBeta(av, bv, xv);
        Close(BetaByQuadrature(a, b, x), i.Value, 1e-10, $"I_{x}({a}, {b})");
        tape.Backward(i);
        double[] point = [a, b, x];
        Real[] vars = [av, bv, xv];
        for (var k = 0; k < 3; k++)
            Close(Partial(q => BetaByQuadrature(q[0], q[1], q[2]), point, k), tape.Adjoint(vars[k]), 1e-6, $"∂I/∂p[{k}] at ({a}, {b}, {x})");
        Close(Math.Pow(x, a - 1) * Math.Pow(1 - x, b - 1) / MathNet.Numerics.SpecialFunctions.Beta(a, b), tape.Adjoint(xv), 1e-12, $"∂I/∂x at ({a}, {b}, {x})");
        Assert.Equal(i.Value, RealMath.IncBeta(a, b, x));
    }

    [Fact]
    public void TheEdgesOfTheDomainAndOutsideIt()
    {
        var tape = Tape.Current;
        foreach (var (a, dx) in new[] { (0.5, double.PositiveInfinity), (1.0, 1.0), (2.0, 0.0) })
        {
            tape.Reset();
            var av = tape.Variable(a);
            var xv = tape.Variable(0.0);
            var p = RealMath.GammaP(av, xv);
            Assert.Equal(0.0, p.Value);
            tape.Backward(p);
            Assert.Equal(0.0, tape.Adjoint(av));
            Close(dx, tape.Adjoint(xv), 1e-14, $"∂P/∂x at (a = {a}, 0)");
        }
        Assert.Equal(1.0, RealMath.GammaP(2.0, double.PositiveInfinity));
        Assert.Equal(0.0, RealMath.GammaQ(2.0, double.PositiveInfinity));
        Assert.Equal(0.0, RealMath.IncBeta(2.0, 3.0, 0.0));
        Assert.Equal(1.0, RealMath.IncBeta(2.0, 3.0, 1.0));
        foreach (var bad in new[] { RealMath.GammaP(0.0, 1.0), RealMath.GammaP(-1.0, 1.0), RealMath.GammaP(1.0, -0.1), RealMath.GammaQ(double.NaN, 1.0),
                     RealMath.IncBeta(0.0, 1.0, 0.5), RealMath.IncBeta(1.0, 1.0, 1.5), RealMath.IncBeta(1.0, -2.0, 0.5), RealMath.IncBeta(1.0, 1.0, double.NaN) })
            Assert.True(double.IsNaN(bad));
        Assert.True(double.IsNaN(RealMath.IncBeta((Real)2.0, 1.0, -0.5).Value));
    }

    [Property(MaxTest = 200)]
    public Property PAndQSumToOneAndPIsIncreasingInX(PositiveInt a10, PositiveInt x10, PositiveInt step10)
    {
        var a = 0.1 * (a10.Get % 300 + 1);
        var x = 0.1 * (x10.Get % 400);
        var y = x + 0.1 * (step10.Get % 50 + 1);
        var sum = RealMath.GammaP(a, x) + RealMath.GammaQ(a, x);
        return (Math.Abs(sum - 1) < 1e-12 && RealMath.GammaP(a, y) >= RealMath.GammaP(a, x)).Label($"a = {a}, x = {x}, y = {y}: P + Q = {sum}");
    }

    [Property(MaxTest = 200)]
    public Property IncBetaIsSymmetricAndIncreasing(PositiveInt a10, PositiveInt b10, PositiveInt x100)
    {
        var a = 0.1 * (a10.Get % 200 + 1);
        var b = 0.1 * (b10.Get % 200 + 1);
        var x = 0.01 * (x100.Get % 99 + 1);
        var mirror = RealMath.IncBeta(a, b, x) + RealMath.IncBeta(b, a, 1 - x);
        var up = RealMath.IncBeta(a, b, Math.Min(1, x + 0.005)) >= RealMath.IncBeta(a, b, x);
        return (Math.Abs(mirror - 1) < 1e-12 && up).Label($"a = {a}, b = {b}, x = {x}: I_x(a, b) + I_(1−x)(b, a) = {mirror}");
    }
}
