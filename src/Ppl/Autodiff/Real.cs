using System.Runtime.CompilerServices;

namespace Ppl.Autodiff;

/// <summary>
/// A double that records how it was computed on the current thread's <see cref="Tape"/>, for
/// reverse-mode differentiation. Constants (made from a double) record nothing; an operation records
/// a node only when one of its operands is on the tape. Functions are in <see cref="RealMath"/> and
/// log densities in <see cref="RealDensity"/>.
/// </summary>
public readonly struct Real : IEquatable<Real>
{
    /// <summary>The value.</summary>
    public readonly double Value;

    /// <summary>The node index on the tape; 0 for a constant.</summary>
    internal readonly int Index;

    internal Real(double value, int index)
    {
        Value = value;
        Index = index;
    }

    /// <summary>True when this value does not depend on any variable.</summary>
    public bool IsConstant => Index == 0;

    /// <summary>A constant.</summary>
    public static implicit operator Real(double value) => new(value, 0);

    /// <summary>A node with one parent (or a constant when the parent is one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Real Unary(double value, in Real a, double da) =>
        a.Index == 0 ? new Real(value, 0) : new Real(value, Tape.Current.Push(a.Index, da, 0, 0, 0, 0));

    /// <summary>A node with two parents.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Real Binary(double value, in Real a, double da, in Real b, double db) =>
        (a.Index | b.Index) == 0 ? new Real(value, 0) : new Real(value, Tape.Current.Push(a.Index, da, b.Index, db, 0, 0));

    /// <summary>A node with three parents.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Real Ternary(double value, in Real a, double da, in Real b, double db, in Real c, double dc) =>
        (a.Index | b.Index | c.Index) == 0 ? new Real(value, 0) : new Real(value, Tape.Current.Push(a.Index, da, b.Index, db, c.Index, dc));

    /// <summary>
    /// <see cref="Ternary"/> for a pure function (<paramref name="function"/>: its tag) whose node is shared with an
    /// earlier one of the same function of the same three nodes (<see cref="Tape.PushShared"/>).
    /// </summary>
    internal static Real TernaryShared(int function, double value, in Real a, double da, in Real b, double db, in Real c, double dc) =>
        (a.Index | b.Index | c.Index) == 0 ? new Real(value, 0) : new Real(value, Tape.Current.PushShared(function, a.Index, da, b.Index, db, c.Index, dc));

    /// <summary>
    /// A value computed outside the tape whose partial derivatives towards <paramref name="parents"/> are
    /// known: one fused operation (a vectorised log-likelihood, a dot product) recorded as a short chain of
    /// ⌈(k − 1) / 2⌉ nodes instead of one node per arithmetic step. Constant parents are skipped.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="parents">The inputs it depends on.</param>
    /// <param name="partials">∂value/∂parents[i], one per parent.</param>
    public static Real FromPartials(double value, ReadOnlySpan<Real> parents, ReadOnlySpan<double> partials)
    {
        if (parents.Length != partials.Length)
            throw new ArgumentException($"FromPartials needs one partial per parent; got {parents.Length} parents and {partials.Length} partials.");
        var chain = new PartialsChain();
        for (var i = 0; i < parents.Length; i++) chain.Add(parents[i], partials[i]);
        return chain.Finish(value);
    }

    /// <summary>Sum.</summary>
    public static Real operator +(Real a, Real b) => Binary(a.Value + b.Value, a, 1.0, b, 1.0);

    /// <summary>Sum with a constant.</summary>
    public static Real operator +(Real a, double b) => Unary(a.Value + b, a, 1.0);

    /// <summary>Sum with a constant.</summary>
    public static Real operator +(double a, Real b) => Unary(a + b.Value, b, 1.0);

    /// <summary>Difference.</summary>
    public static Real operator -(Real a, Real b) => Binary(a.Value - b.Value, a, 1.0, b, -1.0);

    /// <summary>Difference with a constant.</summary>
    public static Real operator -(Real a, double b) => Unary(a.Value - b, a, 1.0);

    /// <summary>Difference with a constant.</summary>
    public static Real operator -(double a, Real b) => Unary(a - b.Value, b, -1.0);

    /// <summary>Negation.</summary>
    public static Real operator -(Real a) => Unary(-a.Value, a, -1.0);

    /// <summary>Product.</summary>
    public static Real operator *(Real a, Real b) => Binary(a.Value * b.Value, a, b.Value, b, a.Value);

    /// <summary>Product with a constant.</summary>
    public static Real operator *(Real a, double b) => Unary(a.Value * b, a, b);

    /// <summary>Product with a constant.</summary>
    public static Real operator *(double a, Real b) => Unary(a * b.Value, b, a);

    /// <summary>Quotient.</summary>
    public static Real operator /(Real a, Real b)
    {
        var inv = 1.0 / b.Value;
        var q = a.Value * inv;
        return Binary(q, a, inv, b, -q * inv);
    }

    /// <summary>Quotient by a constant.</summary>
    public static Real operator /(Real a, double b) => Unary(a.Value / b, a, 1.0 / b);

    /// <summary>Quotient of a constant.</summary>
    public static Real operator /(double a, Real b)
    {
        var q = a / b.Value;
        return Unary(q, b, -q / b.Value);
    }

    /// <summary>Compares values (no derivative).</summary>
    public static bool operator <(Real a, Real b) => a.Value < b.Value;

    /// <summary>Compares values (no derivative).</summary>
    public static bool operator >(Real a, Real b) => a.Value > b.Value;

    /// <summary>Compares values (no derivative).</summary>
    public static bool operator <=(Real a, Real b) => a.Value <= b.Value;

    /// <summary>Compares values (no derivative).</summary>
    public static bool operator >=(Real a, Real b) => a.Value >= b.Value;

    /// <summary>Compares values (no derivative): the IEEE comparison of the doubles, so NaN ≠ NaN.</summary>
    public static bool operator ==(Real a, Real b) => a.Value == b.Value;

    /// <summary>Compares values (no derivative): the IEEE comparison of the doubles, so NaN ≠ NaN.</summary>
    public static bool operator !=(Real a, Real b) => a.Value != b.Value;

    /// <summary>The value, leaving the tape (what a cast of a double expression to double does in model code).</summary>
    public static explicit operator double(Real a) => a.Value;

    /// <summary>Identity.</summary>
    public static Real operator +(Real a) => a;

    /// <summary>True when the values are equal as by <see cref="double.Equals(double)"/> (so NaN equals NaN); the tape position is ignored.</summary>
    public bool Equals(Real other) => Value.Equals(other.Value);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Real r && Equals(r);

    /// <summary>The hash of the value (consistent with <see cref="Equals(Real)"/>).</summary>
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
