using Ppl.Autodiff;
using Xunit;
using static Ppl.Tests.Autodiff.Ode.OdeTestProblems;

namespace Ppl.Tests.Autodiff.Ode;

/// <summary>
/// <c>OdeSolver.Rk45States</c> and <c>RosenbrockStates</c>, the matrix forms a <c>[Model]</c> calls: over <c>Real</c> the
/// same values (row k at output time k) and the same gradients as the <c>OdeResult&lt;Real&gt;</c> overloads; over doubles
/// the same values to the solver's tolerance (a solve without sensitivities, whose error control takes other steps).
/// </summary>
public class OdeStatesTests
{
    private static readonly OdeOptions Options = new() { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-10 };

    [Fact]
    public void TheMatrixFormsHoldTheSolversValuesAndGradients()
    {
        double[] theta = [1.1, 0.4, 0.4, 0.1], y0 = [10, 5], times = [0.5, 1, 4];
        foreach (var stiff in new[] { false, true })
        {
            var values = stiff ? OdeSolver.RosenbrockStates(LotkaVolterra, y0, theta, 0, times, Options) : OdeSolver.Rk45States(LotkaVolterra, y0, theta, 0, times, Options);
            var tape = Tape.Current;
            tape.Reset();
            var yv = y0.Select(tape.Variable).ToArray();
            var tv = theta.Select(tape.Variable).ToArray();
            var reference = stiff ? OdeSolver.Rosenbrock(LotkaVolterra, yv, tv, 0, times, Options) : OdeSolver.Rk45(LotkaVolterra, yv, tv, 0, times, Options);
            var matrix = stiff ? OdeSolver.RosenbrockStates(LotkaVolterra, yv, tv, 0, times, Options) : OdeSolver.Rk45States(LotkaVolterra, yv, tv, 0, times, Options);
            Assert.Equal(times.Length, matrix.GetLength(0));
            Assert.Equal(2, matrix.GetLength(1));
            for (var k = 0; k < times.Length; k++)
                for (var i = 0; i < 2; i++)
                {
                    Assert.Equal(reference[k][i].Value, matrix[k, i].Value);
                    // Without sensitivities in the error control the double solve takes other steps: equal to the global error of either.
                    Assert.Equal(reference[k][i].Value, values[k, i], 1e-5 * Math.Abs(values[k, i]));
                }
            // The same gradient through either: ∂(Σ weights · states)/∂(y0, θ).
            Real Sum(Func<int, int, Real> at)
            {
                Real s = 0;
                for (var k = 0; k < times.Length; k++) s += (k + 1) * at(k, 0) - 0.5 * at(k, 1);
                return s;
            }
            var inputs = yv.Concat(tv).ToArray();
            tape.Backward(Sum((k, i) => reference[k][i]));
            var expected = inputs.Select(tape.Adjoint).ToArray();
            tape.Backward(Sum((k, i) => matrix[k, i]));
            var actual = inputs.Select(tape.Adjoint).ToArray();
            Assert.Equal(expected, actual);
            tape.Reset();
        }
    }
}
