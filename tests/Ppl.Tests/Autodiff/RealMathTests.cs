using Ppl.Autodiff;
using Xunit;
using static Ppl.Tests.Autodiff.RealFamilyCases;

namespace Ppl.Tests.Autodiff;

public class RealMathTests
{
    /// <summary>Unary functions: the Real one, the double reference, and points inside the domain.</summary>
    public static readonly Dictionary<string, (Func<Real, Real> Real, Func<double, double> Double, double[] Points)> Unary = new()
    {
        ["Log10"] = (RealMath.Log10, Math.Log10, [0.01, 0.7, 3, 1234.5]),
        ["Log2"] = (RealMath.Log2, Math.Log2, [0.01, 0.7, 3, 1234.5]),
        ["Cbrt"] = (RealMath.Cbrt, Math.Cbrt, [-27.5, -0.3, 0.02, 1, 64.5]),
        ["Sin"] = (RealMath.Sin, Math.Sin, [-4, -0.5, 0, 1, 2.5, 10]),
        ["Cos"] = (RealMath.Cos, Math.Cos, [-4, -0.5, 0.1, 1, 2.5, 10]),
        ["Tan"] = (RealMath.Tan, Math.Tan, [-1.2, -0.5, 0, 0.3, 1.4]),
        ["Asin"] = (RealMath.Asin, Math.Asin, [-0.9, -0.3, 0, 0.5, 0.95]),
        ["Acos"] = (RealMath.Acos, Math.Acos, [-0.9, -0.3, 0, 0.5, 0.95]),
        ["Atan"] = (RealMath.Atan, Math.Atan, [-30, -1, 0, 0.5, 4]),
        ["Sinh"] = (RealMath.Sinh, Math.Sinh, [-3, -0.2, 0, 1, 5]),
        ["Cosh"] = (RealMath.Cosh, Math.Cosh, [-3, -0.2, 0, 1, 5]),
        ["Asinh"] = (RealMath.Asinh, Math.Asinh, [-3, -0.2, 0, 1, 5]),
        ["Acosh"] = (RealMath.Acosh, Math.Acosh, [1.1, 2, 5, 40]),
        ["Atanh"] = (RealMath.Atanh, Math.Atanh, [-0.9, -0.2, 0, 0.5, 0.95]),
        ["Expm1"] = (RealMath.Expm1, MathUtil.Expm1, [-3, -1e-3, 1e-7, 0.5, 4]),
        ["Pow(2.5, y)"] = (y => RealMath.Pow(2.5, y), y => Math.Pow(2.5, y), [-3, -0.5, 0, 1.3, 6]),
        ["Pow(0.3, y)"] = (y => RealMath.Pow(0.3, y), y => Math.Pow(0.3, y), [-3, -0.5, 0, 1.3, 6]),
    };

    public static TheoryData<string> UnaryNames => new(Unary.Keys);

    [Theory, MemberData(nameof(UnaryNames))]
    public void UnaryValueAndDerivativeMatch(string name)
    {
        var (real, dbl, points) = Unary[name];
        var tape = Tape.Current;
        foreach (var x in points)
        {
            tape.Reset();
            var xv = tape.Variable(x);
            var y = real(xv);
            Assert.Equal(dbl(x), y.Value);
            tape.Backward(y);
            SameDerivative(Derivative(dbl, x), tape.Adjoint(xv), $"{name} at {x}");
        }
    }

    [Fact]
    public void Atan2MatchesInEveryQuadrant()
    {
        var tape = Tape.Current;
        foreach (var (y, x) in new[] { (1.0, 2.0), (1.0, -2.0), (-1.5, -0.5), (-0.3, 4.0), (2.0, 1e-3) })
        {
            tape.Reset();
            var yv = tape.Variable(y);
            var xv = tape.Variable(x);
            var a = RealMath.Atan2(yv, xv);
            Assert.Equal(Math.Atan2(y, x), a.Value);
            tape.Backward(a);
            SameDerivative(Derivative(t => Math.Atan2(t, x), y), tape.Adjoint(yv), $"Atan2({y}, {x}) d/dy");
            SameDerivative(Derivative(t => Math.Atan2(y, t), x), tape.Adjoint(xv), $"Atan2({y}, {x}) d/dx");
        }
        // Mixed double and Real arguments compile through the implicit conversion.
        Assert.Equal(Math.Atan2(1, 2), RealMath.Atan2(1.0, 2.0).Value);
        Assert.Equal(Math.Atan2(1, 2), RealMath.Atan2(1.0, (Real)2.0).Value);
    }

    [Fact]
    public void PowWithAConstantBaseDifferentiatesTheExponent()
    {
        var tape = Tape.Current;
        tape.Reset();
        var y = tape.Variable(1.7);
        var p = RealMath.Pow(3.0, y);
        Assert.Equal(Math.Pow(3, 1.7), p.Value);
        tape.Backward(p);
        SameDerivative(Derivative(t => Math.Pow(3, t), 1.7), tape.Adjoint(y), "Pow(3, y)");
        // An int base picks the double overload too.
        Assert.Equal(Math.Pow(2, 1.7), RealMath.Pow(2, y).Value);
    }

    private static bool SameBits(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);

    [Fact]
    public void MaxAndMinChooseAsMathDoesAndDifferentiateTheChosenOperand()
    {
        double[] values = [-2, -0.0, 0.0, 1.5, double.NaN, double.NegativeInfinity, double.PositiveInfinity];
        var tape = Tape.Current;
        foreach (var a in values)
            foreach (var b in values)
            {
                Assert.True(SameBits(Math.Max(a, b), RealMath.Max(a, b).Value), $"Max({a}, {b})");
                Assert.True(SameBits(Math.Min(a, b), RealMath.Min(a, b).Value), $"Min({a}, {b})");
            }
        foreach (var (a, b) in new[] { (1.0, 2.0), (3.0, -1.0), (-0.5, -0.25) })
        {
            tape.Reset();
            var av = tape.Variable(a);
            var bv = tape.Variable(b);
            var mx = RealMath.Max(av, bv);
            tape.Backward(mx);
            SameDerivative(Derivative(t => Math.Max(t, b), a), tape.Adjoint(av), $"Max({a}, {b}) d/da");
            SameDerivative(Derivative(t => Math.Max(a, t), b), tape.Adjoint(bv), $"Max({a}, {b}) d/db");
            var mn = RealMath.Min(av, bv);
            tape.Backward(mn);
            SameDerivative(Derivative(t => Math.Min(t, b), a), tape.Adjoint(av), $"Min({a}, {b}) d/da");
            SameDerivative(Derivative(t => Math.Min(a, t), b), tape.Adjoint(bv), $"Min({a}, {b}) d/db");
        }
        // Mixed arguments.
        Assert.Equal(2.0, RealMath.Max(2.0, (Real)1.0).Value);
        Assert.Equal(1.0, RealMath.Min((Real)2.0, 1).Value);
    }

    [Fact]
    public void ClampIsOneInsideAndZeroOutside()
    {
        var tape = Tape.Current;
        foreach (var x in new[] { -3.0, -1.0 + 1e-3, 0.2, 2.0 - 1e-3, 5.0 })
        {
            tape.Reset();
            var xv = tape.Variable(x);
            var lo = tape.Variable(-1);
            var hi = tape.Variable(2);
            var c = RealMath.Clamp(xv, lo, hi);
            Assert.Equal(Math.Clamp(x, -1, 2), c.Value);
            tape.Backward(c);
            SameDerivative(Derivative(t => Math.Clamp(t, -1, 2), x), tape.Adjoint(xv), $"Clamp({x}) d/dx");
            SameDerivative(Derivative(t => Math.Clamp(x, t, 2), -1), tape.Adjoint(lo), $"Clamp({x}) d/dlo");
            SameDerivative(Derivative(t => Math.Clamp(x, -1, t), 2), tape.Adjoint(hi), $"Clamp({x}) d/dhi");
        }
        Assert.True(double.IsNaN(RealMath.Clamp(double.NaN, 0, 1).Value));
        Assert.Equal(0.5, RealMath.Clamp(0.5, 0.0, (Real)1.0).Value);
        Assert.Throws<ArgumentException>(() => RealMath.Clamp(0.5, 2, 1));
        Assert.Throws<ArgumentException>(() => Math.Clamp(0.5, 2, 1));
    }

    [Fact]
    public void RoundingFunctionsAreConstants()
    {
        var tape = Tape.Current;
        foreach (var x in new[] { -2.5, -1.49, -0.5, 0.0, 0.5, 1.5, 2.5, 3.7 })
        {
            tape.Reset();
            var xv = tape.Variable(x);
            var results = new (Real R, double D)[]
            {
                (RealMath.Floor(xv), Math.Floor(x)),
                (RealMath.Ceiling(xv), Math.Ceiling(x)),
                (RealMath.Truncate(xv), Math.Truncate(x)),
                (RealMath.Round(xv), Math.Round(x)),
                (RealMath.Round(xv, 1), Math.Round(x, 1)),
                (RealMath.Round(xv, MidpointRounding.AwayFromZero), Math.Round(x, MidpointRounding.AwayFromZero)),
                (RealMath.Round(xv, 0, MidpointRounding.ToZero), Math.Round(x, 0, MidpointRounding.ToZero)),
            };
            foreach (var (r, d) in results)
            {
                Assert.True(SameBits(d, r.Value), $"{x}: {d} vs {r.Value}");
                Assert.True(r.IsConstant);
            }
            Assert.Equal(Math.Sign(x), RealMath.Sign(xv));
        }
        Assert.Throws<ArithmeticException>(() => RealMath.Sign(double.NaN));
        // Sign is an int, as Math.Sign is, and still converts to a Real.
        int s = RealMath.Sign(-0.3);
        Real r2 = RealMath.Sign(2.0);
        Assert.Equal(-1, s);
        Assert.Equal(1.0, r2.Value);
    }

    [Fact]
    public void RealEqualityComparesValues()
    {
        var tape = Tape.Current;
        tape.Reset();
        var a = tape.Variable(1.5);
        var b = tape.Variable(1.5);
        Real c = 1.5;
        Assert.True(a == b);
        Assert.True(a == c);
        Assert.True(a == 1.5);
        Assert.False(a != b);
        Assert.True(a != 2.0);
        Assert.True(a.Equals(b));
        Assert.True(a.Equals((object)c));
        Assert.False(a.Equals((object)1.5));
        Assert.Equal(a.GetHashCode(), c.GetHashCode());
        Real nan = double.NaN, otherNan = double.NaN;
        Assert.False(nan == otherNan);
        Assert.True(nan != otherNan);
        Assert.True(nan.Equals(otherNan));
        Assert.Equal(1.5, (double)a);
        var plus = +a;
        Assert.Equal(a.Value, plus.Value);
        tape.Backward(plus * 2.0);
        Assert.Equal(2.0, tape.Adjoint(a));
    }

    /// <summary>The array Dot a [Model] calls: its value is the plain sum of products, its partials the data entries.</summary>
    [Fact]
    public void ArrayDotOverDataAndWeightsHasTheDataAsItsGradient()
    {
        double[] data = [0.5, -1.25, 2.0, 0.0, 3.5];
        double[] values = [1.5, 0.25, -2.0, 4.0, 0.75];
        Assert.Equal(0.75 - 0.3125 - 4.0 + 0 + 2.625, RealMath.Dot(data, values), 14);
        var tape = Tape.Current;
        tape.Reset();
        var weights = values.Select(v => tape.Variable(v)).ToArray();
        var dot = RealMath.Dot(data, weights);
        Assert.Equal(RealMath.Dot(data, values), dot.Value, 14);
        tape.Backward(dot);
        for (var j = 0; j < data.Length; j++) Assert.Equal(data[j], tape.Adjoint(weights[j]), 14);
        Assert.Throws<ArgumentException>(() => RealMath.Dot(data, new double[4]));
    }
}
