namespace Ppl.Modeling;

/// <summary>
/// One continuous choice that the position moves, as a layout lays it out: its unconstrained coordinates
/// (<see cref="CoordinateCount"/> of them from <see cref="CoordinateStart"/>) and its constrained value's entries in a
/// reported draw (<see cref="Rows"/> × <see cref="Columns"/> of them from <see cref="ValueStart"/>, row by row). A scalar
/// has one of each; a K-simplex K − 1 coordinates and K entries; an n×n correlation Cholesky factor n(n − 1)/2
/// coordinates and n² entries.
/// </summary>
/// <param name="Address">The choice's address.</param>
/// <param name="Family">The distribution family at its site.</param>
/// <param name="Shape">Whether the value is a double, a double[] or a double[,].</param>
/// <param name="CoordinateStart">Its first coordinate in the position.</param>
/// <param name="CoordinateCount">How many coordinates it has.</param>
/// <param name="ValueStart">Its first entry in a reported draw.</param>
/// <param name="Rows">The value's length (vector) or rows (matrix); 1 for a scalar.</param>
/// <param name="Columns">The value's columns (matrix); 1 otherwise.</param>
public sealed record DifferentiableChoice(
    Address Address, string Family, DifferentiableChoiceShape Shape, int CoordinateStart, int CoordinateCount, int ValueStart, int Rows, int Columns)
{
    /// <summary>The number of entries of the value in a reported draw.</summary>
    public int ValueCount => Rows * Columns;

    /// <summary>The choice's value (a double, a double[] or a double[,]) from its entries in <paramref name="draw"/>.</summary>
    public object ValueFrom(ReadOnlySpan<double> draw)
    {
        switch (Shape)
        {
            case DifferentiableChoiceShape.Scalar:
                return draw[ValueStart];
            case DifferentiableChoiceShape.Vector:
                return draw.Slice(ValueStart, Rows).ToArray();
            default:
                var m = new double[Rows, Columns];
                for (var i = 0; i < Rows; i++)
                    for (var j = 0; j < Columns; j++) m[i, j] = draw[ValueStart + i * Columns + j];
                return m;
        }
    }
}
