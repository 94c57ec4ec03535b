namespace Ppl.Modeling;

/// <summary>The shape of a choice's value in the differentiable form (see <see cref="DifferentiableChoice"/>).</summary>
public enum DifferentiableChoiceShape
{
    /// <summary>A double.</summary>
    Scalar,

    /// <summary>A double[] (a simplex, a multivariate normal draw, an ordered vector).</summary>
    Vector,

    /// <summary>A double[,] (the Cholesky factor of a correlation matrix).</summary>
    Matrix,
}
