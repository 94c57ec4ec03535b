using Ppl.Autodiff;
using Xunit;

namespace Ppl.Tests.Autodiff;

/// <summary>
/// The tape's sweep: constant and missing parents point at their node itself with partial 0 (not at a shared sink), so
/// the adjoints must be those of the chain rule whatever mixes of constants, shared inputs and infinite partials occur.
/// </summary>
public class TapeTests
{
    [Fact]
    public void AdjointsFollowTheChainRuleThroughConstantsAndSharedInputs()
    {
        var tape = Tape.Current;
        tape.Reset();
        var x = tape.Variable(0.7);
        var y = tape.Variable(-1.3);
        var a = x * 2.0;             // a constant second operand
        var b = 3.0 - y;             // a constant first operand
        var c = a * b + RealMath.Exp(a) * y;
        var d = RealMath.Sin(c) + c * c;
        tape.Backward(d);
        // d = sin(c) + c², c = 2x(3 − y) + e^{2x} y.
        var cv = 2 * 0.7 * (3 + 1.3) + Math.Exp(1.4) * -1.3;
        var dc = Math.Cos(cv) + 2 * cv;
        Assert.Equal(dc * (2 * (3 + 1.3) + 2 * Math.Exp(1.4) * -1.3), tape.Adjoint(x), 12);
        Assert.Equal(dc * (-2 * 0.7 + Math.Exp(1.4)), tape.Adjoint(y), 12);
        // An intermediate's adjoint is its own partial of the output too.
        Assert.Equal(dc, tape.Adjoint(c), 12);
        Assert.Equal(dc * (2 * 0.7), tape.Adjoint(b), 12);
    }

    [Fact]
    public void AnInfiniteDerivativeReachesTheVariableAsInfinity()
    {
        var tape = Tape.Current;
        tape.Reset();
        var x = tape.Variable(0.0);
        var z = RealMath.Sqrt(x * 2.0); // d/dx √(2x) at 0 is +∞
        tape.Backward(z);
        Assert.Equal(double.PositiveInfinity, tape.Adjoint(x));
    }

    [Fact]
    public void AddMulAndMulAddAreTheExpressionAsOneNode()
    {
        var tape = Tape.Current;
        double[] p = [0.3, -1.7, 2.9];
        tape.Reset();
        var v = p.Select(tape.Variable).ToArray();
        var before = tape.Count;
        var f = RealMath.AddMul(v[0], v[1], v[2]);
        Assert.Equal(before + 1, tape.Count);
        Assert.Equal(p[0] + p[1] * p[2], f.Value); // bit for bit: the product rounded, then the sum
        tape.Backward(f);
        Assert.Equal([1.0, p[2], p[1]], v.Select(tape.Adjoint));
        tape.Reset();
        v = p.Select(tape.Variable).ToArray();
        var g = RealMath.MulAdd(v[1], v[2], v[0]);
        Assert.Equal(p[1] * p[2] + p[0], g.Value);
        tape.Backward(g);
        Assert.Equal([1.0, p[2], p[1]], v.Select(tape.Adjoint));
        Assert.Equal(p[0] + p[1] * p[2], RealMath.AddMul(p[0], p[1], p[2]));
        Assert.True(RealMath.AddMul(1.0, 2.0, (Real)3.0).IsConstant);
    }
}
