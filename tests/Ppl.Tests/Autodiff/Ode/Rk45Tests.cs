using MathNet.Numerics.LinearAlgebra;
using Ppl.Autodiff;
using Xunit;
using static Ppl.Tests.Autodiff.Ode.OdeTestProblems;
using static Ppl.Tests.Autodiff.Precise;

namespace Ppl.Tests.Autodiff.Ode;

/// <summary><see cref="OdeSolver.Rk45(OdeRhs, double[], double[], double, double[], OdeOptions?)"/>: values against closed forms and an independent reference.</summary>
public class Rk45Tests
{
    private static readonly OdeOptions Tight = new() { RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-12 };

    [Fact]
    public void ExponentialDecayMatchesItsClosedForm()
    {
        double[] times = [0.5, 1, 2, 5];
        var r = OdeSolver.Rk45(DecayValues, [2.0, -1.0], [0.7], 0, times, Tight);
        for (var k = 0; k < times.Length; k++)
        {
            Close(2 * Math.Exp(-0.7 * times[k]), r[k][0], 1e-9, $"y0 at t={times[k]}");
            Close(-Math.Exp(-0.7 * times[k]), r[k][1], 1e-9, $"y1 at t={times[k]}");
        }
        Assert.Equal(times, r.Times);
    }

    [Fact]
    public void HarmonicOscillatorMatchesItsClosedFormOverManyPeriods()
    {
        const double omega = 2.5, x0 = 1.2, v0 = -0.4;
        double[] times = [0.3, 1, 4, 10, 20];
        var r = OdeSolver.Rk45(OscillatorValues, [x0, v0], [omega], 0, times, Tight);
        for (var k = 0; k < times.Length; k++)
        {
            var t = times[k];
            Close(x0 * Math.Cos(omega * t) + v0 / omega * Math.Sin(omega * t), r[k][0], 1e-8, $"x at t={t}");
            Close(-x0 * omega * Math.Sin(omega * t) + v0 * Math.Cos(omega * t), r[k][1], 1e-8, $"v at t={t}");
        }
    }

    [Fact]
    public void LinearSystemMatchesTheMatrixExponential()
    {
        // A = V D V⁻¹ with chosen eigenvectors and eigenvalues, so exp(A t) = V exp(D t) V⁻¹ in closed form.
        var v = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 0.5, -0.3 }, { 0.2, 1.0, 0.4 }, { -0.6, 0.1, 1.0 } });
        double[] lambdas = [-1.5, -0.4, 0.25];
        var vInv = v.Inverse();
        var a = v * Matrix<double>.Build.DenseOfDiagonalArray(lambdas) * vInv;
        var theta = new double[9];
        for (var i = 0; i < 3; i++)
            for (var k = 0; k < 3; k++) theta[i * 3 + k] = a[i, k];
        double[] y0 = [1.0, -2.0, 0.5];
        double[] times = [0.25, 1, 3];
        var r = OdeSolver.Rk45(Values(Linear), y0, theta, 0, times, Tight);
        for (var k = 0; k < times.Length; k++)
        {
            var expAt = v * Matrix<double>.Build.DenseOfDiagonalArray(lambdas.Select(l => Math.Exp(l * times[k])).ToArray()) * vInv;
            var exact = expAt * Vector<double>.Build.DenseOfArray(y0);
            for (var i = 0; i < 3; i++) Close(exact[i], r[k][i], 1e-9, $"y{i} at t={times[k]}");
        }
    }

    [Fact]
    public void LotkaVolterraMatchesAFineFixedStepReference()
    {
        double[] theta = [1.1, 0.4, 0.4, 0.1], y0 = [10, 5], times = [1, 2.5, 5, 10, 15];
        var reference = ClassicalRk4(LotkaVolterraValues, y0, theta, 0, times, 1e-3);
        var r = OdeSolver.Rk45(LotkaVolterraValues, y0, theta, 0, times, Tight);
        for (var k = 0; k < times.Length; k++)
            for (var i = 0; i < 2; i++) Close(reference[k][i], r[k][i], 1e-8, $"y{i} at t={times[k]}");
        // The same problem through the differentiating overload with constant inputs (a value-level solve).
        var rr = OdeSolver.Rk45(LotkaVolterra, y0.Select(x => (Real)x).ToArray(), theta.Select(x => (Real)x).ToArray(), 0, times, Tight);
        for (var k = 0; k < times.Length; k++)
            for (var i = 0; i < 2; i++)
            {
                Assert.True(rr[k][i].IsConstant);
                Close(reference[k][i], rr[k][i].Value, 1e-8, $"Real y{i} at t={times[k]}");
            }
    }

    [Fact]
    public void OutputTimesInsideStepsComeFromTheDenseOutputWithoutShorteningTheSteps()
    {
        const double omega = 1.3;
        var times = Enumerable.Range(1, 2000).Select(i => i * 0.005).ToArray();
        var r = OdeSolver.Rk45(OscillatorValues, [1.0, 0], [omega], 0, times, Tight);
        Assert.True(r.Statistics.Steps < times.Length / 4, $"{r.Statistics.Steps} steps for {times.Length} output times");
        for (var k = 0; k < times.Length; k++)
        {
            Close(Math.Cos(omega * times[k]), r[k][0], 1e-8, $"x at t={times[k]}");
            Close(-omega * Math.Sin(omega * times[k]), r[k][1], 1e-8, $"v at t={times[k]}");
        }
        // The same through the differentiating overload: its sensitivities are interpolated with the state.
        var tape = Tape.Current;
        tape.Reset();
        var w = tape.Variable(omega);
        var rr = OdeSolver.Rk45(Oscillator, [1.0, 0], [w], 0, times, Tight);
        for (var k = 0; k < times.Length; k += 173)
        {
            tape.Backward(rr[k][0]);
            Close(-times[k] * Math.Sin(omega * times[k]), tape.Adjoint(w), 1e-7, $"∂x/∂ω at t={times[k]}");
        }
        tape.Reset();
    }

    [Fact]
    public void AnAcceptedStepCostsSixEvaluations()
    {
        // First same as last: 7 stages, the last reused as the next step's first; plus f(t0) and the initial-step probe.
        var r = OdeSolver.Rk45(LotkaVolterraValues, [10.0, 5], [1.1, 0.4, 0.4, 0.1], 0, [15.0]);
        var s = r.Statistics;
        Assert.True(s.Steps > 10);
        Assert.Equal(6 * (s.Steps + s.RejectedSteps) + 2, s.RhsEvaluations);
        Assert.Equal(0, s.JacobianEvaluations);
    }

    [Fact]
    public void OutputAtTheInitialTimeAndRepeatedTimesGiveTheSameState()
    {
        var r = OdeSolver.Rk45(DecayValues, [3.0], [1.0], 1, [1, 2, 2], Tight);
        Assert.Equal(3.0, r[0][0]);
        Assert.Equal(r[1][0], r[2][0]);
        Close(3 * Math.Exp(-1), r[1][0], 1e-9, "y(2)");
    }

    [Fact]
    public void LooserTolerancesTakeFewerStepsAndStayWithinThem()
    {
        double[] times = [10];
        var loose = OdeSolver.Rk45(OscillatorValues, [1.0, 0], [1.0], 0, times, new OdeOptions { RelativeTolerance = 1e-4, AbsoluteTolerance = 1e-6 });
        var tight = OdeSolver.Rk45(OscillatorValues, [1.0, 0], [1.0], 0, times, Tight);
        Assert.True(loose.Statistics.Steps * 5 < tight.Statistics.Steps, $"{loose.Statistics.Steps} vs {tight.Statistics.Steps}");
        Assert.True(Math.Abs(loose[0][0] - Math.Cos(10)) < 1e-3);
    }

    [Fact]
    public void MisuseIsAnArgumentException()
    {
        Assert.Throws<ArgumentException>(() => OdeSolver.Rk45(DecayValues, [1.0], [1.0], 0, [1, 0.5]));
        Assert.Throws<ArgumentException>(() => OdeSolver.Rk45(DecayValues, [1.0], [1.0], 2, [1]));
        Assert.Throws<ArgumentException>(() => OdeSolver.Rk45(DecayValues, [], [1.0], 0, [1]));
        Assert.Throws<ArgumentException>(() => OdeSolver.Rk45(DecayValues, [1.0], [1.0], 0, [1], new OdeOptions { RelativeTolerance = 0 }));
    }

    /// <summary>A <see cref="RealOdeRhs"/> run on constants, as an <see cref="OdeRhs"/> (nothing is recorded).</summary>
    internal static OdeRhs Values(RealOdeRhs f) => (t, y, th, dy) =>
    {
        var yr = new Real[y.Length];
        var thr = new Real[th.Length];
        var dyr = new Real[y.Length];
        for (var i = 0; i < y.Length; i++) yr[i] = y[i];
        for (var i = 0; i < th.Length; i++) thr[i] = th[i];
        f(t, yr, thr, dyr);
        for (var i = 0; i < y.Length; i++) dy[i] = dyr[i].Value;
    };
}
