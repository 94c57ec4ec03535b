using Ppl.Autodiff;
using Xunit;
using static Ppl.Tests.Autodiff.Ode.OdeTestProblems;

namespace Ppl.Tests.Autodiff.Ode;

/// <summary>Failures throw <see cref="OdeSolverException"/> naming the time, the step size and the reason.</summary>
public class OdeFailureTests
{
    [Fact]
    public void TooManyStepsNamesTheTimeReachedAndTheLimit()
    {
        var e = Assert.Throws<OdeSolverException>(() =>
            OdeSolver.Rk45(OscillatorValues, [1.0, 0], [1.0], 0, [100.0], new OdeOptions { MaxSteps = 20 }));
        Assert.Equal(OdeFailure.TooManySteps, e.Reason);
        Assert.InRange(e.Time, 0.1, 100);
        Assert.True(e.StepSize > 0);
        Assert.Contains("too many steps", e.Message);
        Assert.Contains("t = ", e.Message);
        Assert.Contains("step size", e.Message);
        Assert.Contains("MaxSteps", e.Message);
        Assert.IsAssignableFrom<ModelException>(e);
    }

    [Fact]
    public void ABlowUpUnderflowsTheStepSizeNearTheSingularity()
    {
        // y′ = y², y(0) = 1: y = 1/(1 − t) blows up at t = 1.
        OdeRhs square = (t, y, th, dy) => dy[0] = y[0] * y[0];
        var e = Assert.Throws<OdeSolverException>(() => OdeSolver.Rk45(square, [1.0], [], 0, [2.0]));
        Assert.True(e.Reason is OdeFailure.StepSizeUnderflow or OdeFailure.NonFiniteState, e.Message);
        Assert.InRange(e.Time, 0.99, 1.01);
        Assert.True(e.StepSize < 1e-6, e.Message);
    }

    [Fact]
    public void ARightHandSideThatTurnsNaNIsANonFiniteState()
    {
        RealOdeRhs f = (t, y, th, dy) => dy[0] = t.Value > 0.5 ? double.NaN : -y[0];
        foreach (var solve in new Func<OdeResult<double>>[]
                 {
                     () => OdeSolver.Rosenbrock(f, [1.0], [], 0, [1.0]),
                     () => OdeSolver.Rk45(Rk45Tests.Values(f), [1.0], [], 0, [1.0]),
                 })
        {
            var e = Assert.Throws<OdeSolverException>(solve);
            Assert.Equal(OdeFailure.NonFiniteState, e.Reason);
            Assert.InRange(e.Time, 0.49, 0.5);
            Assert.Contains("not finite", e.Message);
        }
    }

    [Fact]
    public void ANonFiniteInitialStateOrParameterFailsAtTheInitialTime()
    {
        var tape = Tape.Current;
        tape.Reset();
        var e = Assert.Throws<OdeSolverException>(() => OdeSolver.Rk45(Decay, [tape.Variable(1.0)], [double.NaN], 0.5, [1.0]));
        Assert.Equal(OdeFailure.NonFiniteState, e.Reason);
        Assert.Equal(0.5, e.Time);
        Assert.Contains("theta[0]", e.Message);
        e = Assert.Throws<OdeSolverException>(() => OdeSolver.Rosenbrock(Decay, [double.PositiveInfinity], [1.0], 0, [1.0]));
        Assert.Contains("y0[0]", e.Message);
        tape.Reset();
    }

    [Fact]
    public void AStiffProblemExhaustsRk45sBudgetButNotRosenbrocks()
    {
        var options = new OdeOptions { MaxSteps = 2000, RelativeTolerance = 1e-5, AbsoluteTolerance = 1e-5 };
        var e = Assert.Throws<OdeSolverException>(() => OdeSolver.Rk45(ForcedStiffValues, [0.0], [1e4], 0, [10.0], options));
        Assert.Equal(OdeFailure.TooManySteps, e.Reason);
        var r = OdeSolver.Rosenbrock(ForcedStiff, [0.0], [1e4], 0, [10.0], options);
        Assert.True(Math.Abs(r[0][0] - ForcedStiffExact(1e4, 0, 10).Value) < 1e-4);
    }
}
