using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Ppl.Autodiff;
using static Ppl.Tests.Autodiff.Ode.OdeTestProblems;

namespace Ppl.Tests.Autodiff.Ode;

/// <summary>FsCheck properties of the ODE solvers over random linear problems y′ = a y.</summary>
public class OdePropertyTests
{
    [Property(MaxTest = 60)]
    public Property LinearGrowthOrDecayMatchesTheExponentialAndItsGradient(int seed)
    {
        var rng = new System.Random(seed);
        var a = rng.NextDouble() * 3 - 2;
        var y0 = rng.NextDouble() * 6 - 3;
        var t = rng.NextDouble() * 2;
        var tape = Tape.Current;
        var ok = true;
        var options = new OdeOptions { RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-12 };
        foreach (var stiff in new[] { false, true })
        {
            tape.Reset();
            var yv = tape.Variable(y0);
            var av = tape.Variable(-a);
            var r = stiff ? OdeSolver.Rosenbrock(Decay, [yv], [av], 0, [t], options) : OdeSolver.Rk45(Decay, [yv], [av], 0, [t], options);
            tape.Backward(r[0][0]);
            var e = Math.Exp(a * t);
            var tol = stiff ? 1e-7 : 1e-8;
            ok &= Math.Abs(r[0][0].Value - y0 * e) <= tol * (1 + Math.Abs(y0 * e));
            ok &= Math.Abs(tape.Adjoint(yv) - e) <= tol * (1 + e);
            // ∂y/∂(−a) = −t y0 e^{at}
            ok &= Math.Abs(tape.Adjoint(av) + t * y0 * e) <= tol * (1 + Math.Abs(t * y0 * e));
        }
        tape.Reset();
        return ok.Label($"a={a}, y0={y0}, t={t}");
    }
}
