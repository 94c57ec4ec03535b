using Ppl.Autodiff;
using Xunit;
using static Ppl.Tests.Autodiff.Ode.OdeTestProblems;
using static Ppl.Tests.Autodiff.Precise;

namespace Ppl.Tests.Autodiff.Ode;

/// <summary><see cref="OdeSolver.Rosenbrock(RealOdeRhs, double[], double[], double, double[], OdeOptions?)"/> (Rosenbrock 2(3)) on stiff and non-stiff problems.</summary>
public class RosenbrockTests
{
    [Fact]
    public void StiffForcedDecayMatchesItsClosedFormWithFarFewerStepsThanRk45()
    {
        const double lambda = 1000;
        double[] times = [0.01, 0.5, 1, 2, 5, 10];
        var options = new OdeOptions { RelativeTolerance = 1e-4, AbsoluteTolerance = 1e-4 };
        var ros = OdeSolver.Rosenbrock(ForcedStiff, [0.0], [lambda], 0, times, options);
        var rk = OdeSolver.Rk45(ForcedStiffValues, [0.0], [lambda], 0, times, options);
        for (var k = 0; k < times.Length; k++)
        {
            var exact = ForcedStiffExact(lambda, 0, times[k]).Value;
            Close(exact, ros[k][0], 5e-4, $"Rosenbrock at t={times[k]}");
            Close(exact, rk[k][0], 5e-4, $"Rk45 at t={times[k]}");
        }
        // Rk45 is held to |hλ| ≲ 3.3 by stability (≈ 3,000 steps over [0, 10]); the L-stable Rosenbrock method follows the smooth solution.
        Assert.True(rk.Statistics.Steps > 2500, $"Rk45 took {rk.Statistics.Steps} steps");
        Assert.True(ros.Statistics.Steps * 5 < rk.Statistics.Steps, $"Rosenbrock {ros.Statistics.Steps} steps, Rk45 {rk.Statistics.Steps}");
    }

    [Fact]
    public void RobertsonMatchesTheLiteratureValuesAndConservesMass()
    {
        // Hairer and Wanner, Solving ODEs II (IV.10), reference solution at t = 40.
        var options = new OdeOptions { RelativeTolerance = 1e-6, AbsoluteTolerance = 1e-10 };
        var r = OdeSolver.Rosenbrock(Robertson, [1.0, 0, 0], [0.04, 3e7, 1e4], 0, [40.0], options);
        Close(0.7158270687, r[0][0], 1e-4, "y1(40)");
        Assert.True(Math.Abs(r[0][1] - 9.185534764e-6) < 1e-4 * 9.185534764e-6 + 1e-9, $"y2(40) = {r[0][1]:R}");
        Close(0.2841637457, r[0][2], 1e-4, "y3(40)");
        // A Rosenbrock method with the exact Jacobian conserves linear invariants.
        Close(1.0, r[0][0] + r[0][1] + r[0][2], 1e-12, "y1 + y2 + y3");
        Assert.True(r.Statistics.Steps < 2000, $"{r.Statistics.Steps} steps");
    }

    [Fact]
    public void LotkaVolterraMatchesAFineFixedStepReference()
    {
        double[] theta = [1.1, 0.4, 0.4, 0.1], y0 = [10, 5], times = [1, 5, 10];
        var reference = ClassicalRk4(LotkaVolterraValues, y0, theta, 0, times, 1e-3);
        var r = OdeSolver.Rosenbrock(LotkaVolterra, y0, theta, 0, times, new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-10 });
        for (var k = 0; k < times.Length; k++)
            for (var i = 0; i < 2; i++) Close(reference[k][i], r[k][i], 1e-5, $"y{i} at t={times[k]}");
    }

    [Fact]
    public void ItIsSecondOrderAlsoWithoutTheTimeDerivative()
    {
        // The step is fixed by MaxStep (tolerances so loose that no step is rejected): halving it divides the error by
        // about 4. Hiding the time dependence from the tape (t.Value) leaves ∂f/∂t out of the linearisation; the
        // formula is a W-method, so it stays second order (the property the sensitivity system's block-diagonal
        // Jacobian relies on).
        RealOdeRhs hidden = (t, y, th, dy) => dy[0] = -th[0] * (y[0] - Math.Cos(t.Value));
        foreach (var f in new[] { ForcedStiff, hidden })
        {
            double Error(double h)
            {
                var o = new OdeOptions { MaxStep = h, InitialStep = h, RelativeTolerance = 1, AbsoluteTolerance = 1 };
                var r = OdeSolver.Rosenbrock(f, [0.0], [2.0], 0, [2.0], o);
                Assert.Equal(0, r.Statistics.RejectedSteps);
                return Math.Abs(r[0][0] - ForcedStiffExact(2.0, 0, 2.0).Value);
            }
            var ratio = Error(0.02) / Error(0.01);
            Assert.InRange(ratio, 3.6, 4.4);
        }
    }
}
