using Ppl.Autodiff;
using Ppl.Distributions;
using Xunit;
using static Ppl.Tests.Autodiff.RealFamilyCases;

namespace Ppl.Tests.Autodiff;

public class RealConstrainTests
{
    public static TheoryData<string> Names => new(Continuous.Keys);

    private static IScalarBijector Bijector(ContinuousCase c, double[] p) => (IScalarBijector)((IHasBijector<double>)c.Double(p)).Bijector;

    [Theory, MemberData(nameof(Names))]
    public void ConstrainIsTheDoubleFamilysBijector(string name)
    {
        var c = Continuous[name];
        var rng = new Rng(2718);
        var tape = Tape.Current;
        for (var trial = 0; trial < 25; trial++)
        {
            var p = c.Parameters(rng);
            var u = trial < 3 ? new[] { -30.0, 0.0, 30.0 }[trial] : -6 + 12 * rng.NextDouble();
            var bijector = Bijector(c, p);
            var label = $"{name}({string.Join(", ", p)}) at u = {u}";

            tape.Reset();
            var uv = tape.Variable(u);
            var pv = p.Select(tape.Variable).ToArray();
            var incoming = tape.Variable(0.25);
            var logJ = incoming;
            var x = c.Real(pv).Constrain(uv, ref logJ);
            SameValue(bijector.Forward(u), x.Value, label + " x");
            SameValue(0.25 + bijector.LogAbsDetJacobian(u), logJ.Value, label + " log J");

            // dx/du and dx/dθ (only Uniform's bounds move the map).
            tape.Backward(x);
            SameDerivative(Derivative(bijector.Forward, u), tape.Adjoint(uv), label + " dx/du");
            for (var i = 0; i < p.Length; i++)
                SameDerivative(Partial(q => Bijector(c, q).Forward(u), p, i), tape.Adjoint(pv[i]), $"{label} dx/dp[{i}]");

            // d log J/du, d log J/dθ, and the incoming log-Jacobian passes through with derivative 1.
            tape.Backward(logJ);
            SameDerivative(Derivative(bijector.LogAbsDetJacobian, u), tape.Adjoint(uv), label + " dlogJ/du");
            for (var i = 0; i < p.Length; i++)
                SameDerivative(Partial(q => Bijector(c, q).LogAbsDetJacobian(u), p, i), tape.Adjoint(pv[i]), $"{label} dlogJ/dp[{i}]");
            Assert.Equal(1.0, tape.Adjoint(incoming));

            // Unconstrain is the bijector's inverse, and inverts Constrain where the map is not saturated.
            var real = c.Real(p.Select(v => (Real)v).ToArray());
            SameValue(bijector.Inverse(x.Value), real.Unconstrain(x.Value), label + " Unconstrain");
            if (Math.Abs(u) <= 6)
                Assert.True(Math.Abs(real.Unconstrain(x.Value) - u) <= 1e-8 * (1 + Math.Abs(u)), $"{label}: Unconstrain(Constrain(u)) = {real.Unconstrain(x.Value)}");
        }
    }

    [Fact]
    public void ConstrainWithConstantsRecordsNothing()
    {
        var tape = Tape.Current;
        tape.Reset();
        Real logJ = 0;
        var x = RealDist.Uniform(-1, 2).Constrain(0.3, ref logJ);
        Assert.True(x.IsConstant);
        Assert.True(logJ.IsConstant);
        Assert.Equal(1, tape.Count);
        SameValue(new IntervalBijector(-1, 2).Forward(0.3), x.Value, "x");
        SameValue(new IntervalBijector(-1, 2).LogAbsDetJacobian(0.3), logJ.Value, "log J");
    }

    [Fact]
    public void UniformBoundsThatDependOnAVariableAreDifferentiated()
    {
        // x ~ Uniform(0, 1 − α): d/dα of x and of log J through the upper bound.
        var tape = Tape.Current;
        const double a = 0.3, u = 0.7;
        tape.Reset();
        var alpha = tape.Variable(a);
        var uv = tape.Variable(u);
        Real logJ = 0;
        var x = RealDist.Uniform(0, 1 - alpha).Constrain(uv, ref logJ);
        var total = x + logJ + RealDist.Uniform(0, 1 - alpha).LogDensity(x);
        tape.Backward(total);
        double F(double al, double uu)
        {
            var b = new IntervalBijector(0, 1 - al);
            var xx = b.Forward(uu);
            return xx + b.LogAbsDetJacobian(uu) + new Uniform(0, 1 - al).LogDensity(xx);
        }
        SameValue(F(a, u), total.Value, "value");
        SameDerivative(Derivative(al => F(al, u), a), tape.Adjoint(alpha), "d/dα");
        SameDerivative(Derivative(uu => F(a, uu), u), tape.Adjoint(uv), "d/du");
    }
}
