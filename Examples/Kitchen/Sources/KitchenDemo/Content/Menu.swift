/// The kitchen's static content: the menu and the pantry.

/// A dish on the menu.
public struct Dish: Sendable, Hashable {
    public var name: String
    /// The opening price, in cents.
    public var basePrice: Int
    /// Guests asking for it per tick at the base price.
    public var baseDemand: Int
    /// Units of each ingredient per serving.
    public var recipe: [String: Int]
}

/// An ingredient in the pantry.
public struct Ingredient: Sendable, Hashable {
    public var name: String
    /// Units on the shelf at opening.
    public var openingStock: Int
    /// Units in one delivery.
    public var lot: Int
}

public enum Menu {
    public static let dishes: [Dish] = [
        Dish(name: "margherita", basePrice: 1200, baseDemand: 6, recipe: ["dough": 1, "tomato": 1, "mozzarella": 1]),
        Dish(name: "carbonara", basePrice: 1400, baseDemand: 5, recipe: ["pasta": 1, "egg": 2, "guanciale": 1]),
        Dish(name: "caesar", basePrice: 1000, baseDemand: 3, recipe: ["lettuce": 1, "parmesan": 1]),
        Dish(name: "tiramisu", basePrice: 800, baseDemand: 4, recipe: ["egg": 1, "mascarpone": 1]),
    ]

    public static let pantry: [Ingredient] = [
        Ingredient(name: "dough", openingStock: 24, lot: 20),
        Ingredient(name: "tomato", openingStock: 30, lot: 20),
        Ingredient(name: "mozzarella", openingStock: 18, lot: 20),
        Ingredient(name: "pasta", openingStock: 30, lot: 20),
        Ingredient(name: "egg", openingStock: 30, lot: 36),
        Ingredient(name: "guanciale", openingStock: 12, lot: 15),
        Ingredient(name: "lettuce", openingStock: 20, lot: 15),
        Ingredient(name: "parmesan", openingStock: 20, lot: 15),
        Ingredient(name: "mascarpone", openingStock: 10, lot: 12),
    ]

    public static func dish(named name: String) -> Dish? { dishes.first { $0.name == name } }
    public static func ingredient(named name: String) -> Ingredient? { pantry.first { $0.name == name } }
}
