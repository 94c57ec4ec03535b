namespace Ppl.Autodiff;

/// <summary>
/// The system of a <see cref="RealOdeRhs"/> with forward sensitivities: z = (y, S₀, …, S_{m−1}) where column Sⱼ = ∂y/∂pⱼ
/// for the m inputs pⱼ that are variables on the caller's tape (entries of y₀, then of θ; constant inputs get no
/// column). The columns satisfy Sⱼ′ = (∂f/∂y) Sⱼ + ∂f/∂pⱼ (the last term 0 for an entry of y₀) with Sⱼ(t₀) = eₖ for
/// y₀ₖ and 0 for a parameter. The Jacobians are taken per evaluation by running the right-hand side on a scratch tape
/// (swapped in for the call, so the caller's tape is untouched) and sweeping back once per component of f.
/// </summary>
internal sealed class RealOdeSystem : OdeSystem
{
    private readonly RealOdeRhs _rhs;
    private readonly double[] _theta;
    private readonly bool[] _thetaIsVariable;
    private readonly int[] _sensitiveY0;
    private readonly int[] _sensitiveTheta;
    private readonly Tape _scratch = new();
    private readonly Real[] _y;
    private readonly Real[] _th;
    private readonly Real[] _dy;
    private readonly double[] _jy;
    private readonly double[] _jTheta;
    private readonly double[] _ft;

    private RealOdeSystem(RealOdeRhs rhs, int n, double[] theta, bool[] thetaIsVariable, int[] sensitiveY0, int[] sensitiveTheta)
        : base(n, n * (1 + sensitiveY0.Length + sensitiveTheta.Length))
    {
        _rhs = rhs;
        _theta = theta;
        _thetaIsVariable = thetaIsVariable;
        _sensitiveY0 = sensitiveY0;
        _sensitiveTheta = sensitiveTheta;
        _y = new Real[n];
        _th = new Real[theta.Length];
        _dy = new Real[n];
        _jy = new double[n * n];
        _jTheta = new double[n * sensitiveTheta.Length];
        _ft = new double[n];
    }

    /// <summary>The system for <paramref name="y0"/> and <paramref name="theta"/>; <paramref name="differentiate"/> false gives no sensitivity columns.</summary>
    public static RealOdeSystem Create(RealOdeRhs rhs, ReadOnlySpan<Real> y0, ReadOnlySpan<Real> theta, bool differentiate)
    {
        var values = new double[theta.Length];
        var isVariable = new bool[theta.Length];
        var sy = new List<int>();
        var st = new List<int>();
        for (var i = 0; i < y0.Length; i++)
            if (differentiate && !y0[i].IsConstant) sy.Add(i);
        for (var r = 0; r < theta.Length; r++)
        {
            values[r] = theta[r].Value;
            isVariable[r] = differentiate && !theta[r].IsConstant;
            if (isVariable[r]) st.Add(r);
        }
        return new RealOdeSystem(rhs, y0.Length, values, isVariable, sy.ToArray(), st.ToArray());
    }

    /// <summary>m, the number of sensitivity columns.</summary>
    public int Columns => _sensitiveY0.Length + _sensitiveTheta.Length;

    /// <summary>The entries of y₀ that have a column, in column order (columns 0 … first).</summary>
    public IReadOnlyList<int> SensitiveY0 => _sensitiveY0;

    /// <summary>The entries of θ that have a column, in column order (after those of y₀).</summary>
    public IReadOnlyList<int> SensitiveTheta => _sensitiveTheta;

    /// <summary>Writes y₀'s values and the initial sensitivities (unit columns for entries of y₀) into <paramref name="z"/>.</summary>
    public void Initial(ReadOnlySpan<Real> y0, double[] z)
    {
        var n = StateSize;
        Array.Clear(z);
        for (var i = 0; i < n; i++) z[i] = y0[i].Value;
        for (var j = 0; j < _sensitiveY0.Length; j++) z[n + j * n + _sensitiveY0[j]] = 1.0;
    }

    public override void Derivative(double t, double[] z, double[] dz)
    {
        if (Columns == 0)
        {
            Values(t, z, dz);
            return;
        }
        Tangents(t, z, dz);
        Sensitivities(z, dz);
    }

    public override void Linearize(double t, double[] z, double[] dz, double[] jacobian, double[] timeDerivative)
    {
        Tangents(t, z, dz);
        Sensitivities(z, dz);
        _jy.AsSpan().CopyTo(jacobian);
        _ft.AsSpan().CopyTo(timeDerivative);
    }

    /// <summary>f at (t, y) with constants only: nothing is recorded.</summary>
    private void Values(double t, double[] z, double[] dz)
    {
        Evaluations++;
        var n = StateSize;
        for (var k = 0; k < n; k++) _y[k] = z[k];
        for (var r = 0; r < _theta.Length; r++) _th[r] = _theta[r];
        Array.Clear(_dy);
        var old = Tape.Swap(_scratch);
        try
        {
            _rhs(t, _y, _th, _dy);
        }
        finally
        {
            Tape.Swap(old);
            _scratch.Reset();
        }
        for (var i = 0; i < n; i++) dz[i] = _dy[i].Value;
    }

    /// <summary>f, ∂f/∂y, ∂f/∂θ (sensitive entries) and ∂f/∂t at (t, y): one taped run and n backward sweeps.</summary>
    private void Tangents(double t, double[] z, double[] dz)
    {
        Evaluations++;
        JacobianEvaluations++;
        var n = StateSize;
        var pt = _sensitiveTheta.Length;
        var tape = _scratch;
        var old = Tape.Swap(tape);
        try
        {
            tape.Reset();
            var tv = tape.Variable(t);
            for (var k = 0; k < n; k++) _y[k] = tape.Variable(z[k]);
            for (var r = 0; r < _theta.Length; r++) _th[r] = _thetaIsVariable[r] ? tape.Variable(_theta[r]) : _theta[r];
            Array.Clear(_dy);
            _rhs(tv, _y, _th, _dy);
            for (var i = 0; i < n; i++)
            {
                dz[i] = _dy[i].Value;
                tape.Backward(_dy[i]);
                for (var k = 0; k < n; k++) _jy[i * n + k] = tape.Adjoint(_y[k]);
                for (var q = 0; q < pt; q++) _jTheta[i * pt + q] = tape.Adjoint(_th[_sensitiveTheta[q]]);
                _ft[i] = tape.Adjoint(tv);
            }
        }
        finally
        {
            Tape.Swap(old);
            tape.Reset();
        }
    }

    /// <summary>dSⱼ = (∂f/∂y) Sⱼ + ∂f/∂pⱼ, from the Jacobians of the last <see cref="Tangents"/>.</summary>
    private void Sensitivities(double[] z, double[] dz)
    {
        var n = StateSize;
        var a0 = _sensitiveY0.Length;
        var pt = _sensitiveTheta.Length;
        var m = Columns;
        for (var j = 0; j < m; j++)
        {
            var col = n + j * n;
            for (var i = 0; i < n; i++)
            {
                var s = j >= a0 ? _jTheta[i * pt + (j - a0)] : 0.0;
                var row = i * n;
                for (var k = 0; k < n; k++) s += _jy[row + k] * z[col + k];
                dz[col + i] = s;
            }
        }
    }
}
