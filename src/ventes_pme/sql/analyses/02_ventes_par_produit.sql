-- Sales by product: quantity sold and revenue of each product.
INSERT INTO result_sales_by_product (
    run_id, product_id, product_name, quantity, revenue_cents
)
SELECT
    :run_id AS run_id,
    products.product_id,
    products.name AS product_name,
    sum(daily_sales.quantity) AS quantity,
    sum(daily_sales.revenue_cents) AS revenue_cents
FROM daily_sales
INNER JOIN products ON daily_sales.product_id = products.product_id
GROUP BY products.product_id, products.name;
